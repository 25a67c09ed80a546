// Package api is checkoutd's public HTTP API.
package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"k8s.io/klog/v2"

	"github.com/refract-demo/checkout/internal/notify"
	"github.com/refract-demo/checkout/internal/orders"
	"github.com/refract-demo/checkout/internal/payments"
)

// Server serves the HTTP API.
type Server struct {
	orders   *orders.Service
	verifier *payments.WebhookVerifier
	mailer   *notify.Mailer
	httpSrv  *http.Server
	ready    *readiness
	metrics  http.Handler
	maxBody  int64
}

// Config holds the HTTP listener settings.
type Config struct {
	Addr         string
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	// Checks are the dependencies /readyz pings.
	Checks map[string]Pinger
	// Metrics serves /metrics when set.
	Metrics http.Handler
}

// NewServer wires the routes.
func NewServer(cfg Config, svc *orders.Service, verifier *payments.WebhookVerifier, mailer *notify.Mailer) *Server {
	s := &Server{
		orders:   svc,
		verifier: verifier,
		mailer:   mailer,
		ready:    newReadiness(cfg.Checks),
		metrics:  cfg.Metrics,
		maxBody:  1 << 20,
	}
	s.httpSrv = &http.Server{
		Addr:         cfg.Addr,
		Handler:      s.routes(),
		ReadTimeout:  cfg.ReadTimeout,
		WriteTimeout: cfg.WriteTimeout,
	}
	return s
}

func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(s.recoverPanics, s.accessLog)
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	r.Get("/readyz", s.ready.ServeHTTP)
	if s.metrics != nil {
		r.Get("/metrics", s.metrics.ServeHTTP)
	}
	r.Route("/v1", func(r chi.Router) {
		r.Post("/carts/{cartID}/checkout", s.handleCheckout)
		r.Get("/orders/{orderID}", s.handleGetOrder)
		r.Post("/orders/{orderID}/cancel", s.handleCancel)
		r.Post("/orders/{orderID}/refund", s.handleRefund)
		r.Post("/webhooks/payments", s.handleWebhook)
	})
	return otelhttp.NewHandler(r, "checkout-http")
}

// ListenAndServe serves until ctx is done, then shuts down gracefully.
func (s *Server) ListenAndServe(ctx context.Context) error {
	errCh := make(chan error, 1)
	go func() {
		klog.InfoS("http server listening", "addr", s.httpSrv.Addr)
		if err := s.httpSrv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errCh <- err
		}
		close(errCh)
	}()
	select {
	case err := <-errCh:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return s.httpSrv.Shutdown(shutdownCtx)
}
