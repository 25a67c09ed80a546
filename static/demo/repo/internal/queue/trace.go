package queue

import (
	"context"

	"go.uber.org/zap"

	"github.com/refract-demo/checkout/internal/telemetry"
)

// traceFields returns the trace ids of the request that enqueued a job.
func traceFields(ctx context.Context) []zap.Field {
	if ctx == nil {
		return nil
	}
	return telemetry.Fields(ctx)
}
