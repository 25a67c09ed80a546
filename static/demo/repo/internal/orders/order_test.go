package orders

import (
	"errors"
	"testing"
)

func TestCheckTransition(t *testing.T) {
	tests := []struct {
		from, to string
		ok       bool
	}{
		{StatusPending, StatusPaid, true},
		{StatusPaid, StatusShipped, true},
		{StatusShipped, StatusRefunded, true},
		{StatusShipped, StatusCancelled, false},
		{StatusCancelled, StatusShipped, false},
		{StatusRefunded, StatusPaid, false},
	}
	for _, tt := range tests {
		err := checkTransition(tt.from, tt.to)
		if tt.ok && err != nil {
			t.Errorf("checkTransition(%s, %s) = %v, want nil", tt.from, tt.to, err)
		}
		if !tt.ok && !errors.Is(err, ErrInvalidTransition) {
			t.Errorf("checkTransition(%s, %s) = %v, want ErrInvalidTransition", tt.from, tt.to, err)
		}
	}
}

func TestMustTransitionPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("mustTransition(cancelled, shipped) did not panic")
		}
	}()
	mustTransition(StatusCancelled, StatusShipped)
}

func TestValidate(t *testing.T) {
	err := PlaceOrderRequest{Currency: "EURO"}.validate()
	if err == nil {
		t.Fatal("validate() = nil for an empty request")
	}
	want := `invalid request: cart_id is required; payment_method is required; cart is empty; currency "EURO" is not an ISO 4217 code`
	if err.Error() != want {
		t.Fatalf("validate() = %q, want %q", err, want)
	}
}
