package inventory

import (
	"context"
	"errors"
	"fmt"
	"time"

	"k8s.io/klog/v2"

	"github.com/refract-demo/checkout/internal/store"
)

// Syncer copies warehouse stock levels into the local stock table.
type Syncer struct {
	warehouse *WarehouseClient
	stock     Stock
	interval  time.Duration
	failures  int
}

// NewSyncer returns a Syncer that runs every interval.
func NewSyncer(w *WarehouseClient, stock Stock, interval time.Duration) *Syncer {
	return &Syncer{warehouse: w, stock: stock, interval: interval}
}

// Run syncs until ctx is done.
func (s *Syncer) Run(ctx context.Context) {
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		if err := s.syncOnce(ctx); err != nil {
			s.failures++
			klog.Errorf("inventory sync failed (%d in a row): %v", s.failures, err)
		} else {
			s.failures = 0
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// syncOnce copies every level once.
func (s *Syncer) syncOnce(ctx context.Context) error {
	start := time.Now()
	levels, err := s.warehouse.ListLevels(ctx)
	if err != nil {
		return fmt.Errorf("fetch warehouse levels: %w", err)
	}
	var unknown int
	for _, l := range levels {
		err := s.stock.SetAvailable(ctx, l.SKU, l.Available)
		if errors.Is(err, store.ErrNotFound) {
			unknown++
			continue
		}
		if err != nil {
			return fmt.Errorf("apply level of %s: %w", l.SKU, err)
		}
	}
	klog.InfoS("inventory sync done", "levels", len(levels), "unknown", unknown, "took", time.Since(start))
	return nil
}
