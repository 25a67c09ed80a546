package orders

import (
	"context"
	"fmt"

	"go.uber.org/zap"

	"github.com/refract-demo/checkout/internal/payments"
	"github.com/refract-demo/checkout/internal/queue"
	"github.com/refract-demo/checkout/internal/telemetry"
)

// Fulfiller handles the background jobs of an order: capturing the
// authorized payment and handing the order to shipping.
type Fulfiller struct {
	svc *Service
	log *zap.Logger
}

// NewFulfiller returns the queue handler for capture and ship jobs.
func NewFulfiller(svc *Service, log *zap.Logger) *Fulfiller {
	return &Fulfiller{svc: svc, log: log.Named("fulfiller")}
}

var _ queue.Handler = (*Fulfiller)(nil)

// Handle implements queue.Handler.
func (f *Fulfiller) Handle(ctx context.Context, job queue.Job) error {
	switch job.Kind {
	case "capture":
		return f.capture(ctx, job.OrderID)
	case "ship":
		return f.ship(ctx, job.OrderID)
	default:
		return fmt.Errorf("fulfiller: unexpected job kind %q", job.Kind)
	}
}

// capture settles the order's authorization.
func (f *Fulfiller) capture(ctx context.Context, orderID string) error {
	row, err := f.svc.orders.Get(ctx, orderID)
	if err != nil {
		return fmt.Errorf("capture order %s: %w", orderID, err)
	}
	amount := payments.Money{Minor: row.AmountMinor, Currency: row.Currency}
	if err := f.svc.payments.Capture(ctx, row.PaymentRef, amount); err != nil {
		f.log.Error("payment capture failed",
			append(telemetry.Fields(ctx),
				zap.String("order_id", orderID),
				zap.String("payment_ref", row.PaymentRef),
				zap.Stringer("amount", amount),
				zap.Error(err))...)
		return fmt.Errorf("capture order %s: %w", orderID, err)
	}
	return f.svc.MarkPaid(ctx, orderID)
}

// ship marks the order shipped; the warehouse picks it up from there.
func (f *Fulfiller) ship(ctx context.Context, orderID string) error {
	row, err := f.svc.orders.Get(ctx, orderID)
	if err != nil {
		return fmt.Errorf("ship order %s: %w", orderID, err)
	}
	if err := f.svc.markShipped(ctx, row); err != nil {
		return fmt.Errorf("ship order %s: %w", orderID, err)
	}
	f.log.Info("order shipped", append(telemetry.Fields(ctx), zap.String("order_id", orderID))...)
	return nil
}
