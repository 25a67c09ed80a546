package grpcserver

import (
	"context"
	"runtime/debug"
	"time"

	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/refract-demo/checkout/internal/telemetry"
)

// LoggingInterceptor logs every call that ends with an error.
func LoggingInterceptor(log *zap.Logger) grpc.UnaryServerInterceptor {
	log = log.Named("grpc")
	return func(ctx context.Context, req interface{}, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (interface{}, error) {
		start := time.Now()
		resp, err := handler(ctx, req)
		if err == nil {
			return resp, nil
		}
		code := status.Code(err)
		fields := append(telemetry.Fields(ctx),
			zap.String("grpc.method", info.FullMethod),
			zap.String("grpc.code", code.String()),
			zap.Duration("grpc.time", time.Since(start)),
			zap.Error(err))
		if code == codes.NotFound || code == codes.InvalidArgument || code == codes.FailedPrecondition {
			log.Warn("finished unary call with error", fields...)
		} else {
			log.Error("finished unary call with error", fields...)
		}
		return resp, err
	}
}

// RecoveryInterceptor turns a handler panic into codes.Internal.
func RecoveryInterceptor(log *zap.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req interface{}, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp interface{}, err error) {
		defer func() {
			if r := recover(); r != nil {
				log.Error("panic in grpc handler",
					zap.String("grpc.method", info.FullMethod),
					zap.Any("panic", r),
					zap.ByteString("stack", debug.Stack()))
				err = status.Errorf(codes.Internal, "internal error")
			}
		}()
		return handler(ctx, req)
	}
}
