package retry

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

var errFlaky = errors.New("flaky")

func fastPolicy(attempts int) Policy {
	return Policy{Attempts: attempts, BaseDelay: time.Microsecond, MaxDelay: time.Millisecond, Multiplier: 2}
}

func TestDoSucceedsAfterRetries(t *testing.T) {
	calls := 0
	err := Do(context.Background(), fastPolicy(3), func(context.Context) error {
		calls++
		if calls < 3 {
			return errFlaky
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Do() = %v, want nil", err)
	}
	if calls != 3 {
		t.Fatalf("calls = %d, want 3", calls)
	}
}

func TestDoGivesUp(t *testing.T) {
	err := Do(context.Background(), fastPolicy(2), func(context.Context) error { return errFlaky })
	if !errors.Is(err, errFlaky) {
		t.Fatalf("Do() = %v, want it to wrap errFlaky", err)
	}
	if !strings.HasPrefix(err.Error(), "giving up after 2 attempts: ") {
		t.Fatalf("Do() = %q", err)
	}
}

func TestDoStopsOnPermanent(t *testing.T) {
	calls := 0
	err := Do(context.Background(), fastPolicy(5), func(context.Context) error {
		calls++
		return Permanent(errFlaky)
	})
	if calls != 1 || !IsPermanent(err) {
		t.Fatalf("calls = %d, err = %v; want 1 call and a permanent error", calls, err)
	}
}

func TestBackoffIsCapped(t *testing.T) {
	p := Policy{BaseDelay: time.Second, MaxDelay: 2 * time.Second, Multiplier: 10}
	for attempt := 1; attempt < 6; attempt++ {
		if d := p.backoff(attempt); d > p.MaxDelay {
			t.Fatalf("backoff(%d) = %s > %s", attempt, d, p.MaxDelay)
		}
	}
}
