// Package grpcserver exposes the order flow to internal callers (the
// api-gateway and the back office) over gRPC.
package grpcserver

import (
	"context"
	"errors"

	checkoutv1 "github.com/refract-demo/proto/checkout/v1"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/refract-demo/checkout/internal/orders"
	"github.com/refract-demo/checkout/internal/payments"
	"github.com/refract-demo/checkout/internal/store"
)

// Server implements checkoutv1.CheckoutServiceServer.
type Server struct {
	checkoutv1.UnimplementedCheckoutServiceServer
	orders *orders.Service
	log    *zap.Logger
}

// New returns a gRPC server with the logging and recovery interceptors.
func New(svc *orders.Service, log *zap.Logger) *grpc.Server {
	gs := grpc.NewServer(grpc.ChainUnaryInterceptor(
		RecoveryInterceptor(log),
		LoggingInterceptor(log),
	))
	checkoutv1.RegisterCheckoutServiceServer(gs, &Server{orders: svc, log: log.Named("grpc")})
	return gs
}

// PlaceOrder implements checkoutv1.CheckoutServiceServer.
func (s *Server) PlaceOrder(ctx context.Context, req *checkoutv1.PlaceOrderRequest) (*checkoutv1.PlaceOrderResponse, error) {
	in := orders.PlaceOrderRequest{
		CartID:        req.GetCartId(),
		CustomerID:    req.GetCustomerId(),
		Currency:      req.GetCurrency(),
		PaymentMethod: req.GetPaymentMethod(),
	}
	for _, it := range req.GetItems() {
		in.Items = append(in.Items, orders.Item{SKU: it.GetSku(), Qty: int(it.GetQty())})
	}
	o, err := s.orders.PlaceOrder(ctx, in)
	switch {
	case err == nil:
	case errors.Is(err, store.ErrNotFound):
		return nil, status.Errorf(codes.NotFound, "place order: %v", err)
	case errors.Is(err, store.ErrInsufficientStock):
		return nil, status.Errorf(codes.FailedPrecondition, "place order: %v", err)
	case errors.Is(err, payments.ErrUnsupportedCurrency):
		return nil, status.Errorf(codes.InvalidArgument, "place order: %v", err)
	case errors.Is(err, context.DeadlineExceeded):
		return nil, status.Errorf(codes.DeadlineExceeded, "place order: %v", err)
	default:
		return nil, status.Errorf(codes.Internal, "place order: %v", err)
	}
	return &checkoutv1.PlaceOrderResponse{OrderId: o.ID, Status: o.Status}, nil
}

// GetOrder implements checkoutv1.CheckoutServiceServer.
func (s *Server) GetOrder(ctx context.Context, req *checkoutv1.GetOrderRequest) (*checkoutv1.GetOrderResponse, error) {
	o, err := s.orders.Get(ctx, req.GetOrderId())
	if errors.Is(err, store.ErrNotFound) {
		return nil, status.Errorf(codes.NotFound, "order %s not found", req.GetOrderId())
	}
	if err != nil {
		return nil, status.Errorf(codes.Internal, "get order: %v", err)
	}
	return &checkoutv1.GetOrderResponse{OrderId: o.ID, Status: o.Status, AmountMinor: o.Total.Minor, Currency: o.Total.Currency}, nil
}
