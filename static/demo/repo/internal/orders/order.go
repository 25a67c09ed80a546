// Package orders implements the checkout flow: pricing a cart, reserving
// stock, authorizing payment and moving orders through their life cycle.
package orders

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/refract-demo/checkout/internal/payments"
	"github.com/refract-demo/checkout/internal/store"
)

// Order statuses.
const (
	StatusPending   = "pending"
	StatusPaid      = "paid"
	StatusShipped   = "shipped"
	StatusCancelled = "cancelled"
	StatusRefunded  = "refunded"
	StatusFailed    = "failed"
)

// transitions lists the statuses each status may move to.
var transitions = map[string][]string{
	StatusPending: {StatusPaid, StatusCancelled, StatusFailed},
	StatusPaid:    {StatusShipped, StatusRefunded, StatusCancelled},
	StatusShipped: {StatusRefunded},
}

// ErrInvalidTransition is returned for a status change the life cycle
// does not allow.
var ErrInvalidTransition = errors.New("orders: invalid status transition")

// Order is the API view of an order.
type Order struct {
	ID         string         `json:"id"`
	CartID     string         `json:"cart_id"`
	CustomerID string         `json:"customer_id"`
	Status     string         `json:"status"`
	Total      payments.Money `json:"total"`
	PaymentRef string         `json:"payment_ref,omitempty"`
}

func fromRow(r *store.OrderRow) *Order {
	return &Order{
		ID:         r.ID,
		CartID:     r.CartID,
		CustomerID: r.CustomerID,
		Status:     r.Status,
		Total:      payments.Money{Minor: r.AmountMinor, Currency: r.Currency},
		PaymentRef: r.PaymentRef,
	}
}

// Item is one cart line as the client sends it.
type Item struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

// PlaceOrderRequest is a checkout of one cart.
type PlaceOrderRequest struct {
	CartID        string `json:"cart_id"`
	CustomerID    string `json:"customer_id"`
	Currency      string `json:"currency"`
	PaymentMethod string `json:"payment_method"`
	Items         []Item `json:"items"`
}

func (r PlaceOrderRequest) validate() error {
	var problems []string
	if r.CartID == "" {
		problems = append(problems, "cart_id is required")
	}
	if r.PaymentMethod == "" {
		problems = append(problems, "payment_method is required")
	}
	if len(r.Items) == 0 {
		problems = append(problems, "cart is empty")
	}
	if len(r.Currency) != 3 {
		problems = append(problems, fmt.Sprintf("currency %q is not an ISO 4217 code", r.Currency))
	}
	if len(problems) > 0 {
		return fmt.Errorf("invalid request: %s", strings.Join(problems, "; "))
	}
	return nil
}

// canTransition reports whether from → to is allowed.
func canTransition(from, to string) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// checkTransition returns ErrInvalidTransition for a forbidden change.
func checkTransition(from, to string) error {
	if !canTransition(from, to) {
		return fmt.Errorf("%w: %s -> %s", ErrInvalidTransition, from, to)
	}
	return nil
}

// mustTransition is checkTransition for callers that have already
// validated the order; a failure there is a programming error.
func mustTransition(from, to string) string {
	if !canTransition(from, to) {
		panic(fmt.Sprintf("orders: illegal transition %s -> %s", from, to))
	}
	return to
}

func newOrderID() string {
	return "ord_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:20]
}
