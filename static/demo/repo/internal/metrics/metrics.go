// Package metrics exports checkoutd's Prometheus metrics and adapts them
// to the small Metrics interfaces of the domain packages.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry holds every collector of the service.
type Registry struct {
	reg          *prometheus.Registry
	reservations *prometheus.HistogramVec
	checkouts    *prometheus.CounterVec
	jobs         *prometheus.CounterVec
}

// New registers the collectors.
func New() *Registry {
	r := &Registry{
		reg: prometheus.NewRegistry(),
		reservations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "checkout",
			Name:      "stock_reservation_seconds",
			Help:      "Time to reserve the stock of one order, by outcome.",
			Buckets:   prometheus.ExponentialBuckets(0.001, 2, 12),
		}, []string{"outcome"}),
		checkouts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "checkout",
			Name:      "orders_total",
			Help:      "Checkouts by result and payment gateway.",
		}, []string{"result", "gateway"}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "checkout",
			Name:      "jobs_total",
			Help:      "Background jobs by kind and result.",
		}, []string{"kind", "result"}),
	}
	r.reg.MustRegister(r.reservations, r.checkouts, r.jobs)
	return r
}

// ObserveReservation implements inventory.Metrics.
func (r *Registry) ObserveReservation(outcome string, d time.Duration) {
	r.reservations.WithLabelValues(outcome).Observe(d.Seconds())
}

// CountCheckout counts one checkout.
func (r *Registry) CountCheckout(result, gateway string) {
	r.checkouts.WithLabelValues(result, gateway).Inc()
}

// CountJob counts one background job.
func (r *Registry) CountJob(kind, result string) {
	r.jobs.WithLabelValues(kind, result).Inc()
}

// Handler serves the metrics in the Prometheus text format.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{})
}
