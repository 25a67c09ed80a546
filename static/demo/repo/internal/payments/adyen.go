package payments

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pkg/errors"

	"github.com/refract-demo/checkout/internal/retry"
)

// refusedFmt is the message of a payment Adyen refused.
const refusedFmt = "adyen: refused: %s"

// AdyenGateway implements Gateway with Adyen's Checkout API.
type AdyenGateway struct {
	baseURL  string
	apiKey   string
	merchant string
	client   *http.Client
	policy   retry.Policy
}

// NewAdyenGateway returns a gateway for merchant at baseURL.
func NewAdyenGateway(baseURL, apiKey, merchant string, timeout time.Duration) *AdyenGateway {
	p := retry.DefaultPolicy
	p.Retryable = isTransient
	return &AdyenGateway{
		baseURL:  strings.TrimRight(baseURL, "/"),
		apiKey:   apiKey,
		merchant: merchant,
		client:   &http.Client{Timeout: timeout},
		policy:   p,
	}
}

// Name implements Gateway.
func (a *AdyenGateway) Name() string { return "adyen" }

type adyenAmount struct {
	Value    int64  `json:"value"`
	Currency string `json:"currency"`
}

type adyenPaymentRequest struct {
	Amount          adyenAmount `json:"amount"`
	Reference       string      `json:"reference"`
	MerchantAccount string      `json:"merchantAccount"`
	PaymentMethod   string      `json:"paymentMethod"`
}

type adyenPaymentResponse struct {
	PSPReference  string `json:"pspReference"`
	ResultCode    string `json:"resultCode"`
	RefusalReason string `json:"refusalReason"`
}

// Authorize implements Gateway. Transient failures are retried.
func (a *AdyenGateway) Authorize(ctx context.Context, req AuthorizeRequest) (*Authorization, error) {
	body := adyenPaymentRequest{
		Amount:          adyenAmount{Value: req.Amount.Minor, Currency: req.Amount.Currency},
		Reference:       req.OrderID,
		MerchantAccount: a.merchant,
		PaymentMethod:   req.PaymentMethod,
	}
	var resp adyenPaymentResponse
	err := retry.Do(ctx, a.policy, func(ctx context.Context) error {
		return a.send(ctx, "/v70/payments", req.IdempotencyKey, body, &resp)
	})
	if err != nil {
		return nil, fmt.Errorf("adyen: authorize payment %s: %w", req.OrderID, err)
	}
	if resp.ResultCode != "Authorised" {
		return nil, fmt.Errorf(refusedFmt, resp.RefusalReason)
	}
	return &Authorization{Ref: resp.PSPReference, Gateway: a.Name(), Approved: true}, nil
}

// Capture implements Gateway.
func (a *AdyenGateway) Capture(ctx context.Context, ref string, amount Money) error {
	body := map[string]interface{}{
		"merchantAccount": a.merchant,
		"amount":          adyenAmount{Value: amount.Minor, Currency: amount.Currency},
	}
	err := retry.Do(ctx, a.policy, func(ctx context.Context) error {
		return a.send(ctx, "/v70/payments/"+ref+"/captures", "capture-"+ref, body, nil)
	})
	return errors.Wrapf(err, "adyen capture %s", ref)
}

// Refund implements Gateway.
func (a *AdyenGateway) Refund(ctx context.Context, ref string, amount Money) error {
	body := map[string]interface{}{
		"merchantAccount": a.merchant,
		"amount":          adyenAmount{Value: amount.Minor, Currency: amount.Currency},
	}
	err := retry.Do(ctx, a.policy, func(ctx context.Context) error {
		return a.send(ctx, "/v70/payments/"+ref+"/refunds", "refund-"+ref, body, nil)
	})
	return errors.Wrapf(err, "adyen refund %s", ref)
}

// httpStatusError is a non-2xx answer from Adyen.
type httpStatusError struct {
	Status int
	Body   string
}

func (e *httpStatusError) Error() string {
	return fmt.Sprintf("http status %d: %s", e.Status, e.Body)
}

// send posts body as JSON to path and decodes the answer into out.
func (a *AdyenGateway) send(ctx context.Context, path, idemKey string, body, out interface{}) error {
	buf, err := json.Marshal(body)
	if err != nil {
		return retry.Permanent(fmt.Errorf("encode request: %w", err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.baseURL+path, bytes.NewReader(buf))
	if err != nil {
		return retry.Permanent(err)
	}
	req.Header.Set("X-API-Key", a.apiKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", idemKey)

	resp, err := a.client.Do(req)
	if err != nil {
		return fmt.Errorf("adyen request %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return &httpStatusError{Status: resp.StatusCode, Body: strings.TrimSpace(b.String())}
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// isTransient reports whether an Adyen error is worth retrying.
func isTransient(err error) bool {
	var se *httpStatusError
	if errors.As(err, &se) {
		return se.Status >= 500 || se.Status == http.StatusTooManyRequests
	}
	return true
}
