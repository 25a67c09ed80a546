// Package payments talks to payment service providers. Every provider
// implements Gateway; Router picks one per currency so the order flow
// never knows which provider it is using.
package payments

import (
	"context"
	"errors"
	"fmt"
)

// Gateway is a payment service provider.
type Gateway interface {
	// Name is the short provider name used in routes and logs.
	Name() string
	// Authorize reserves the amount on the customer's payment method.
	Authorize(ctx context.Context, req AuthorizeRequest) (*Authorization, error)
	// Capture settles a previous authorization.
	Capture(ctx context.Context, ref string, amount Money) error
	// Refund returns money for a captured payment.
	Refund(ctx context.Context, ref string, amount Money) error
}

// Money is an amount in minor units (cents) of an ISO 4217 currency.
type Money struct {
	Minor    int64
	Currency string
}

func (m Money) String() string {
	return fmt.Sprintf("%d.%02d %s", m.Minor/100, m.Minor%100, m.Currency)
}

// AuthorizeRequest describes one payment authorization.
type AuthorizeRequest struct {
	OrderID        string
	CustomerID     string
	Amount         Money
	PaymentMethod  string
	IdempotencyKey string
}

// Authorization is a provider's answer to a successful authorization.
type Authorization struct {
	Ref      string
	Gateway  string
	Approved bool
}

// ErrUnsupportedCurrency is returned when no route matches a currency.
var ErrUnsupportedCurrency = errors.New("payments: unsupported currency")

// ErrInvalidSignature is returned when a webhook's signature does not
// match its payload.
var ErrInvalidSignature = errors.New("payments: invalid webhook signature")
