package inventory

import (
	"context"
	"fmt"
	"time"

	inventoryv1 "github.com/refract-demo/proto/inventory/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/refract-demo/checkout/internal/store"
)

// RemoteStock implements Stock against the central inventory service
// over gRPC, for regions that do not keep a local stock table.
type RemoteStock struct {
	client  inventoryv1.InventoryServiceClient
	timeout time.Duration
}

// NewRemoteStock returns a RemoteStock over conn.
func NewRemoteStock(conn *grpc.ClientConn, timeout time.Duration) *RemoteStock {
	return &RemoteStock{client: inventoryv1.NewInventoryServiceClient(conn), timeout: timeout}
}

// Reserve implements Stock.
func (r *RemoteStock) Reserve(ctx context.Context, orderID, sku string, qty int) error {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	_, err := r.client.Reserve(ctx, &inventoryv1.ReserveRequest{OrderId: orderID, Sku: sku, Qty: int32(qty)})
	switch status.Code(err) {
	case codes.OK:
		return nil
	case codes.NotFound:
		return store.ErrNotFound
	case codes.FailedPrecondition:
		return store.ErrInsufficientStock
	default:
		return fmt.Errorf("inventory service unavailable: %v", err)
	}
}

// Release implements Stock.
func (r *RemoteStock) Release(ctx context.Context, orderID string) error {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	if _, err := r.client.Release(ctx, &inventoryv1.ReleaseRequest{OrderId: orderID}); err != nil {
		return fmt.Errorf("inventory service unavailable: %v", err)
	}
	return nil
}

// SetAvailable implements Stock; the central service owns levels.
func (r *RemoteStock) SetAvailable(ctx context.Context, sku string, available int) error {
	return status.Error(codes.Unimplemented, "levels are owned by the inventory service")
}
