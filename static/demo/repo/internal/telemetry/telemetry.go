// Package telemetry puts the current trace and span ids on log lines so
// that logs and traces can be joined.
package telemetry

import (
	"context"

	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"
)

// Fields returns trace_id and span_id zap fields for ctx's span, or
// nothing when ctx carries no sampled span.
func Fields(ctx context.Context) []zap.Field {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return nil
	}
	return []zap.Field{
		zap.String("trace_id", sc.TraceID().String()),
		zap.String("span_id", sc.SpanID().String()),
	}
}

// KV returns the same ids as alternating keys and values, for sugared
// loggers and klog's structured calls.
func KV(ctx context.Context) []interface{} {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return nil
	}
	return []interface{}{"trace_id", sc.TraceID().String(), "span_id", sc.SpanID().String()}
}

// Logger returns l with ctx's trace fields attached.
func Logger(ctx context.Context, l *zap.Logger) *zap.Logger {
	if f := Fields(ctx); f != nil {
		return l.With(f...)
	}
	return l
}
