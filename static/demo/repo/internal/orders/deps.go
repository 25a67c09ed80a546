package orders

import (
	"context"

	"github.com/refract-demo/checkout/internal/inventory"
	"github.com/refract-demo/checkout/internal/payments"
	"github.com/refract-demo/checkout/internal/queue"
	"github.com/refract-demo/checkout/internal/store"
)

// Repository stores orders; *store.OrderRepo implements it.
type Repository interface {
	Get(ctx context.Context, id string) (*store.OrderRow, error)
	Create(ctx context.Context, o *store.OrderRow) error
	UpdateStatus(ctx context.Context, id string, version int64, status string) error
	SetPaymentRef(ctx context.Context, id, ref string) error
	ListByStatus(ctx context.Context, status string, limit int) ([]store.OrderRow, error)
}

// Catalog prices products; *store.CatalogRepo implements it.
type Catalog interface {
	Product(ctx context.Context, sku string) (*store.Product, error)
}

// Inventory reserves stock; *inventory.Service implements it.
type Inventory interface {
	Reserve(ctx context.Context, orderID string, lines []inventory.Line) error
	Release(ctx context.Context, orderID string) error
}

// Payments moves money; *payments.Router implements it.
type Payments interface {
	Authorize(ctx context.Context, req payments.AuthorizeRequest) (*payments.Authorization, error)
	Capture(ctx context.Context, ref string, amount payments.Money) error
	Refund(ctx context.Context, ref string, amount payments.Money) error
}

// Enqueuer schedules background jobs; *queue.Pool implements it.
type Enqueuer interface {
	Enqueue(job queue.Job) error
}
