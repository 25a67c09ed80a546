package orders

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/refract-demo/checkout/internal/store"
)

// Reconciler expires orders that stayed pending for too long (the client
// went away between reservation and payment) and gives their stock back.
type Reconciler struct {
	svc      *Service
	log      *zap.Logger
	interval time.Duration
	maxAge   time.Duration
	batch    int
}

// ReconcilerOption configures a Reconciler.
type ReconcilerOption func(*Reconciler)

// WithMaxPendingAge sets how long an order may stay pending.
func WithMaxPendingAge(d time.Duration) ReconcilerOption {
	return func(r *Reconciler) { r.maxAge = d }
}

// WithBatchSize sets how many orders one pass looks at.
func WithBatchSize(n int) ReconcilerOption {
	return func(r *Reconciler) { r.batch = n }
}

// NewReconciler returns a Reconciler that runs every interval.
func NewReconciler(svc *Service, log *zap.Logger, interval time.Duration, opts ...ReconcilerOption) *Reconciler {
	r := &Reconciler{
		svc:      svc,
		log:      log.Named("reconciler"),
		interval: interval,
		maxAge:   30 * time.Minute,
		batch:    200,
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Run reconciles until ctx is done.
func (r *Reconciler) Run(ctx context.Context) {
	t := time.NewTicker(r.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := r.reconcileOnce(ctx)
		if err != nil {
			r.log.Error("reconcile failed", zap.Int("expired", n), zap.Error(err))
			continue
		}
		if n > 0 {
			r.log.Info("expired stale orders", zap.Int("expired", n))
		}
	}
}

// reconcileOnce expires every stale pending order of one batch and
// returns how many it expired.
func (r *Reconciler) reconcileOnce(ctx context.Context) (int, error) {
	pending, err := r.svc.orders.ListByStatus(ctx, StatusPending, r.batch)
	if err != nil {
		return 0, fmt.Errorf("list pending orders: %w", err)
	}
	cutoff := r.svc.now().Add(-r.maxAge)
	expired := 0
	for i := range pending {
		row := &pending[i]
		if row.CreatedAt.After(cutoff) {
			continue
		}
		err := r.expire(ctx, row)
		if errors.Is(err, store.ErrConflict) {
			// Paid or cancelled meanwhile: nothing to expire.
			continue
		}
		if err != nil {
			return expired, fmt.Errorf("expire stale order %s: %w", row.ID, err)
		}
		expired++
	}
	return expired, nil
}

// expire marks one order failed and releases its reservation.
func (r *Reconciler) expire(ctx context.Context, row *store.OrderRow) error {
	if err := r.svc.inventory.Release(ctx, row.ID); err != nil {
		return err
	}
	if err := r.svc.orders.UpdateStatus(ctx, row.ID, row.Version, StatusFailed); err != nil {
		return fmt.Errorf("update order status: %w", err)
	}
	return nil
}
