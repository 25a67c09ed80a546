package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/go-chi/chi/v5"
	"k8s.io/klog/v2"

	"github.com/refract-demo/checkout/internal/notify"
	"github.com/refract-demo/checkout/internal/orders"
	"github.com/refract-demo/checkout/internal/telemetry"
)

// checkoutRequest is the body of POST /v1/carts/{cartID}/checkout.
type checkoutRequest struct {
	CustomerID    string        `json:"customer_id"`
	Email         string        `json:"email"`
	Name          string        `json:"name"`
	Currency      string        `json:"currency"`
	PaymentMethod string        `json:"payment_method"`
	Items         []orders.Item `json:"items"`
}

// decodeJSON reads a size-limited JSON body into v.
func (s *Server) decodeJSON(r *http.Request, v interface{}) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, s.maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decode request body: %w", err)
	}
	return nil
}

// handleCheckout places an order for a cart.
func (s *Server) handleCheckout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	cartID := chi.URLParam(r, "cartID")
	var body checkoutRequest
	if err := s.decodeJSON(r, &body); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{Error: err.Error(), Code: "bad_request"})
		return
	}
	o, err := s.orders.PlaceOrder(ctx, orders.PlaceOrderRequest{
		CartID:        cartID,
		CustomerID:    body.CustomerID,
		Currency:      body.Currency,
		PaymentMethod: body.PaymentMethod,
		Items:         body.Items,
	})
	if err != nil {
		klog.ErrorS(err, "checkout failed", append([]interface{}{"cart", cartID}, telemetry.KV(ctx)...)...)
		writeError(w, err)
		return
	}
	s.mailer.SendConfirmation(ctx, notify.Confirmation{
		OrderID: o.ID, Email: body.Email, Name: body.Name, Total: o.Total.String(),
	})
	writeJSON(w, http.StatusCreated, o)
}

// handleGetOrder returns one order.
func (s *Server) handleGetOrder(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := chi.URLParam(r, "orderID")
	o, err := s.orders.Get(ctx, id)
	if err != nil {
		if status, _ := statusFor(err); status >= 500 {
			klog.ErrorS(err, "get order failed", append([]interface{}{"order", id}, telemetry.KV(ctx)...)...)
		}
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

// handleCancel cancels an order.
func (s *Server) handleCancel(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "orderID")
	if err := s.orders.Cancel(r.Context(), id); err != nil {
		klog.Errorf("cancel order %s failed: %v", id, err)
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleRefund refunds an order in full.
func (s *Server) handleRefund(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := chi.URLParam(r, "orderID")
	if err := s.orders.Refund(ctx, id); err != nil {
		klog.ErrorS(err, "refund failed", append([]interface{}{"order", id}, telemetry.KV(ctx)...)...)
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// handleWebhook receives payment provider notifications.
func (s *Server) handleWebhook(w http.ResponseWriter, r *http.Request) {
	payload, err := io.ReadAll(io.LimitReader(r.Body, s.maxBody))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{Error: "unreadable body", Code: "bad_request"})
		return
	}
	ev, err := s.verifier.Parse(payload, r.Header.Get("Stripe-Signature"))
	if err != nil {
		klog.Errorf("rejecting payment webhook from %s: %v", r.RemoteAddr, err)
		writeError(w, err)
		return
	}
	switch ev.Type {
	case "payment_intent.succeeded":
		orderID := ev.Data.Object.Metadata.OrderID
		if err := s.orders.MarkPaid(r.Context(), orderID); err != nil {
			klog.Errorf("webhook %s: mark order %s paid: %v", ev.ID, orderID, err)
			writeError(w, err)
			return
		}
	default:
		klog.V(3).Infof("ignoring webhook %s of type %s", ev.ID, ev.Type)
	}
	w.WriteHeader(http.StatusOK)
}
