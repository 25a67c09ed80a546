package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/refract-demo/checkout/internal/orders"
	"github.com/refract-demo/checkout/internal/payments"
	"github.com/refract-demo/checkout/internal/store"
)

// errorBody is the JSON body of every error response.
type errorBody struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// statusFor maps an error from the order flow to an HTTP status and a
// stable code for clients.
func statusFor(err error) (int, string) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, store.ErrConflict), errors.Is(err, orders.ErrInvalidTransition):
		return http.StatusConflict, "conflict"
	case errors.Is(err, store.ErrInsufficientStock):
		return http.StatusConflict, "out_of_stock"
	case errors.Is(err, payments.ErrUnsupportedCurrency):
		return http.StatusUnprocessableEntity, "unsupported_currency"
	case errors.Is(err, payments.ErrInvalidSignature):
		return http.StatusBadRequest, "bad_signature"
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, "timeout"
	default:
		return http.StatusInternalServerError, "internal"
	}
}

// writeError writes err as JSON; 5xx answers hide the message.
func writeError(w http.ResponseWriter, err error) {
	status, code := statusFor(err)
	msg := err.Error()
	if status >= 500 {
		msg = http.StatusText(status)
	}
	writeJSON(w, status, errorBody{Error: msg, Code: code})
}

func writeJSON(w http.ResponseWriter, status int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
