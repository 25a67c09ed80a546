package payments

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/refract-demo/checkout/internal/telemetry"
)

// Router dispatches each call to the gateway configured for the
// payment's currency.
type Router struct {
	routes   map[string]Gateway
	fallback Gateway
	log      *zap.Logger
}

// NewRouter builds a router from currency → gateway routes; the route
// "*" is the fallback.
func NewRouter(routes map[string]string, gateways []Gateway, log *zap.Logger) (*Router, error) {
	byName := make(map[string]Gateway, len(gateways))
	for _, g := range gateways {
		byName[g.Name()] = g
	}
	r := &Router{routes: make(map[string]Gateway), log: log.Named("payments")}
	for cur, name := range routes {
		g, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("route %s: no gateway named %q", cur, name)
		}
		if cur == "*" {
			r.fallback = g
			continue
		}
		r.routes[strings.ToUpper(cur)] = g
	}
	return r, nil
}

func (r *Router) gateway(currency string) (Gateway, error) {
	if g, ok := r.routes[strings.ToUpper(currency)]; ok {
		return g, nil
	}
	if r.fallback != nil {
		return r.fallback, nil
	}
	return nil, fmt.Errorf("%w: %s", ErrUnsupportedCurrency, currency)
}

// Authorize authorizes req with the gateway for its currency.
func (r *Router) Authorize(ctx context.Context, req AuthorizeRequest) (*Authorization, error) {
	g, err := r.gateway(req.Amount.Currency)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	auth, err := g.Authorize(ctx, req)
	r.log.Debug("authorize",
		append(telemetry.Fields(ctx),
			zap.String("gateway", g.Name()),
			zap.String("order_id", req.OrderID),
			zap.Duration("took", time.Since(start)))...)
	return auth, err
}

// Capture settles ref with the gateway for amount's currency.
func (r *Router) Capture(ctx context.Context, ref string, amount Money) error {
	g, err := r.gateway(amount.Currency)
	if err != nil {
		return err
	}
	if err := g.Capture(ctx, ref, amount); err != nil {
		return fmt.Errorf("capture via %s: %w", g.Name(), err)
	}
	return nil
}

// Refund refunds ref with the gateway for amount's currency.
func (r *Router) Refund(ctx context.Context, ref string, amount Money) error {
	g, err := r.gateway(amount.Currency)
	if err != nil {
		return err
	}
	if err := g.Refund(ctx, ref, amount); err != nil {
		return fmt.Errorf("refund via %s: %w", g.Name(), err)
	}
	return nil
}
