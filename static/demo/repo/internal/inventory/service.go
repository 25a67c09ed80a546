// Package inventory reserves stock for orders and keeps local stock
// levels in step with the warehouse system.
package inventory

import (
	"context"
	"fmt"
	"time"

	"k8s.io/klog/v2"
)

// Stock is the persistence the inventory service needs; *store.StockRepo
// implements it.
type Stock interface {
	Reserve(ctx context.Context, orderID, sku string, qty int) error
	Release(ctx context.Context, orderID string) error
	SetAvailable(ctx context.Context, sku string, available int) error
}

// Line is one SKU and quantity of an order.
type Line struct {
	SKU string
	Qty int
}

// Service reserves and releases stock.
type Service struct {
	stock   Stock
	maxQty  int
	metrics Metrics
}

// Metrics counts reservations; the Prometheus adapter lives in cmd.
type Metrics interface {
	ObserveReservation(outcome string, d time.Duration)
}

type nopMetrics struct{}

func (nopMetrics) ObserveReservation(string, time.Duration) {}

// Option configures a Service.
type Option func(*Service)

// WithMaxQty caps the quantity of a single line.
func WithMaxQty(n int) Option { return func(s *Service) { s.maxQty = n } }

// WithMetrics sets the metrics sink.
func WithMetrics(m Metrics) Option { return func(s *Service) { s.metrics = m } }

// NewService returns a Service over stock.
func NewService(stock Stock, opts ...Option) *Service {
	s := &Service{stock: stock, maxQty: 50, metrics: nopMetrics{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Reserve reserves every line for orderID, releasing what it already
// reserved if a later line fails.
func (s *Service) Reserve(ctx context.Context, orderID string, lines []Line) error {
	start := time.Now()
	for i, l := range lines {
		if err := s.reserveLine(ctx, orderID, l); err != nil {
			s.metrics.ObserveReservation("failed", time.Since(start))
			if i > 0 {
				if rerr := s.stock.Release(ctx, orderID); rerr != nil {
					klog.Warningf("release partial reservation of order %s: %v", orderID, rerr)
				}
			}
			return fmt.Errorf("reserve stock for order %s: %w", orderID, err)
		}
	}
	s.metrics.ObserveReservation("ok", time.Since(start))
	klog.V(4).InfoS("stock reserved", "order", orderID, "lines", len(lines))
	return nil
}

// reserveLine validates and reserves one line.
func (s *Service) reserveLine(ctx context.Context, orderID string, l Line) error {
	if l.Qty <= 0 || l.Qty > s.maxQty {
		return fmt.Errorf("sku %s: quantity %d out of range 1..%d", l.SKU, l.Qty, s.maxQty)
	}
	if err := s.stock.Reserve(ctx, orderID, l.SKU, l.Qty); err != nil {
		return fmt.Errorf("sku %s: %w", l.SKU, err)
	}
	return nil
}

// Release returns every unit reserved for orderID.
func (s *Service) Release(ctx context.Context, orderID string) error {
	if err := s.stock.Release(ctx, orderID); err != nil {
		return fmt.Errorf("release reservation for order %s: %w", orderID, err)
	}
	return nil
}
