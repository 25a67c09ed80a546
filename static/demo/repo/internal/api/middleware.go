package api

import (
	"net/http"
	"time"

	"k8s.io/klog/v2"

	"github.com/refract-demo/checkout/internal/telemetry"
)

// statusRecorder remembers the status code a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// recoverPanics answers 500 when a handler panics, and logs the panic.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if rec := recover(); rec != nil {
				if rec == http.ErrAbortHandler {
					panic(rec)
				}
				klog.ErrorS(nil, "panic recovered", append([]interface{}{
					"method", r.Method, "path", r.URL.Path, "panic", rec,
				}, telemetry.KV(r.Context())...)...)
				w.WriteHeader(http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// accessLog logs every request at verbosity 2 and slow requests always.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		took := time.Since(start)
		if took > 2*time.Second {
			klog.Warningf("slow request %s %s: %d in %s", r.Method, r.URL.Path, rec.status, took)
			return
		}
		klog.V(2).InfoS("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "took", took)
	})
}
