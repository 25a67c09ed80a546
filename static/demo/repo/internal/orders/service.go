package orders

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/refract-demo/checkout/internal/inventory"
	"github.com/refract-demo/checkout/internal/payments"
	"github.com/refract-demo/checkout/internal/queue"
	"github.com/refract-demo/checkout/internal/store"
	"github.com/refract-demo/checkout/internal/telemetry"
)

// Service is the order flow.
type Service struct {
	orders    Repository
	catalog   Catalog
	inventory Inventory
	payments  Payments
	jobs      Enqueuer
	log       *zap.SugaredLogger
	now       func() time.Time
}

// Deps are the collaborators of a Service.
type Deps struct {
	Orders    Repository
	Catalog   Catalog
	Inventory Inventory
	Payments  Payments
	Jobs      Enqueuer
	Logger    *zap.Logger
}

// NewService returns an order Service.
func NewService(d Deps) *Service {
	return &Service{
		orders:    d.Orders,
		catalog:   d.Catalog,
		inventory: d.Inventory,
		payments:  d.Payments,
		jobs:      d.Jobs,
		log:       d.Logger.Named("orders").Sugar(),
		now:       time.Now,
	}
}

// PlaceOrder prices the cart, reserves stock, authorizes the payment and
// schedules the capture. On a payment failure the reservation is released.
func (s *Service) PlaceOrder(ctx context.Context, req PlaceOrderRequest) (*Order, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	lines, total, err := s.priceCart(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("place order: %w", err)
	}

	row := &store.OrderRow{
		ID:          newOrderID(),
		CartID:      req.CartID,
		CustomerID:  req.CustomerID,
		Status:      StatusPending,
		AmountMinor: total.Minor,
		Currency:    total.Currency,
	}
	if err := s.orders.Create(ctx, row); err != nil {
		return nil, fmt.Errorf("place order: %w", err)
	}
	if err := s.inventory.Reserve(ctx, row.ID, lines); err != nil {
		s.markFailed(ctx, row)
		return nil, fmt.Errorf("place order: %w", err)
	}

	auth, err := s.authorize(ctx, row, req.PaymentMethod)
	if err != nil {
		if rerr := s.inventory.Release(ctx, row.ID); rerr != nil {
			s.log.Errorw("failed to release reservation",
				append(telemetry.KV(ctx), "order_id", row.ID, "error", rerr)...)
		}
		s.markFailed(ctx, row)
		return nil, fmt.Errorf("place order: %w", err)
	}
	if err := s.orders.SetPaymentRef(ctx, row.ID, auth.Ref); err != nil {
		return nil, fmt.Errorf("place order: %w", err)
	}
	row.PaymentRef = auth.Ref

	job := queue.Job{ID: "cap_" + row.ID, Kind: "capture", OrderID: row.ID, TraceCtx: ctx}
	if err := s.jobs.Enqueue(job); err != nil {
		// The order is authorized; the reconciler will pick up the capture.
		s.log.Warnw("capture not scheduled", append(telemetry.KV(ctx), "order_id", row.ID, "error", err)...)
	}
	s.log.Infow("order placed", append(telemetry.KV(ctx),
		"order_id", row.ID, "amount", total.String(), "gateway", auth.Gateway)...)
	return fromRow(row), nil
}

// priceCart looks every item up in the catalog and sums the cart.
func (s *Service) priceCart(ctx context.Context, req PlaceOrderRequest) ([]inventory.Line, payments.Money, error) {
	total := payments.Money{Currency: req.Currency}
	lines := make([]inventory.Line, 0, len(req.Items))
	for _, it := range req.Items {
		p, err := s.catalog.Product(ctx, it.SKU)
		if err != nil {
			return nil, total, fmt.Errorf("price item %s: %w", it.SKU, err)
		}
		if p.Currency != req.Currency {
			return nil, total, fmt.Errorf("item %s is priced in %s, cart is in %s", it.SKU, p.Currency, req.Currency)
		}
		total.Minor += p.PriceMinor * int64(it.Qty)
		lines = append(lines, inventory.Line{SKU: it.SKU, Qty: it.Qty})
	}
	return lines, total, nil
}

// authorize asks the payment provider for the order's total.
func (s *Service) authorize(ctx context.Context, row *store.OrderRow, method string) (*payments.Authorization, error) {
	amount := payments.Money{Minor: row.AmountMinor, Currency: row.Currency}
	auth, err := s.payments.Authorize(ctx, payments.AuthorizeRequest{
		OrderID:        row.ID,
		CustomerID:     row.CustomerID,
		Amount:         amount,
		PaymentMethod:  method,
		IdempotencyKey: "auth-" + row.ID,
	})
	if err != nil {
		return nil, fmt.Errorf("authorize payment of %s: %w", amount, err)
	}
	if !auth.Approved {
		return nil, fmt.Errorf("authorize payment of %s: not approved by %s", amount, auth.Gateway)
	}
	return auth, nil
}

// markFailed records that checkout did not complete; it only logs on
// failure because the caller already has a better error to return.
func (s *Service) markFailed(ctx context.Context, row *store.OrderRow) {
	if err := s.orders.UpdateStatus(ctx, row.ID, row.Version, StatusFailed); err != nil {
		s.log.Warnw("could not mark order failed", append(telemetry.KV(ctx), "order_id", row.ID, "error", err)...)
	}
}

// Get returns one order.
func (s *Service) Get(ctx context.Context, id string) (*Order, error) {
	row, err := s.orders.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return fromRow(row), nil
}

// Cancel cancels an order that has not shipped yet and releases its stock.
func (s *Service) Cancel(ctx context.Context, id string) error {
	row, err := s.orders.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("cancel order %s: %w", id, err)
	}
	if err := checkTransition(row.Status, StatusCancelled); err != nil {
		return fmt.Errorf("cancel order %s: %w", id, err)
	}
	if err := s.orders.UpdateStatus(ctx, id, row.Version, StatusCancelled); err != nil {
		return fmt.Errorf("update order status: %w", err)
	}
	if err := s.inventory.Release(ctx, id); err != nil {
		s.log.Warnw("stock not released for cancelled order", append(telemetry.KV(ctx), "order_id", id, "error", err)...)
	}
	return nil
}

// MarkPaid records a successful payment notification.
func (s *Service) MarkPaid(ctx context.Context, id string) error {
	row, err := s.orders.Get(ctx, id)
	if err != nil {
		return err
	}
	if row.Status == StatusPaid {
		return nil // duplicate notification
	}
	if err := checkTransition(row.Status, StatusPaid); err != nil {
		return err
	}
	if err := s.orders.UpdateStatus(ctx, id, row.Version, StatusPaid); err != nil {
		return fmt.Errorf("update order status: %w", err)
	}
	return s.jobs.Enqueue(queue.Job{ID: "shp_" + id, Kind: "ship", OrderID: id, TraceCtx: ctx})
}

// Refund refunds a paid or shipped order in full.
func (s *Service) Refund(ctx context.Context, id string) error {
	row, err := s.orders.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("refund order %s: %w", id, err)
	}
	if err := checkTransition(row.Status, StatusRefunded); err != nil {
		return fmt.Errorf("refund order %s: %w", id, err)
	}
	amount := payments.Money{Minor: row.AmountMinor, Currency: row.Currency}
	if err := s.payments.Refund(ctx, row.PaymentRef, amount); err != nil {
		s.log.Errorf("refund of order %s (%s) failed: %v", id, amount, err)
		return fmt.Errorf("refund order %s: %w", id, err)
	}
	if err := s.orders.UpdateStatus(ctx, id, row.Version, StatusRefunded); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("refund order %s: refunded but status changed concurrently: %w", id, err)
		}
		return fmt.Errorf("update order status: %w", err)
	}
	return nil
}

// markShipped moves a paid order to shipped.
func (s *Service) markShipped(ctx context.Context, row *store.OrderRow) error {
	next := mustTransition(row.Status, StatusShipped)
	if err := s.orders.UpdateStatus(ctx, row.ID, row.Version, next); err != nil {
		return fmt.Errorf("update order status: %w", err)
	}
	return nil
}
