package payments

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Messages of errors built from Stripe's error responses.
const (
	declineFmt  = "card declined: %s (decline_code=%s)"
	apiErrorFmt = "stripe api error %d: %s (%s)"
)

// StripeGateway implements Gateway with Stripe's PaymentIntents API.
type StripeGateway struct {
	baseURL string
	apiKey  string
	client  *http.Client
}

// StripeOption configures a StripeGateway.
type StripeOption func(*StripeGateway)

// WithStripeHTTPClient replaces the default HTTP client.
func WithStripeHTTPClient(c *http.Client) StripeOption {
	return func(g *StripeGateway) { g.client = c }
}

// NewStripeGateway returns a gateway for baseURL.
func NewStripeGateway(baseURL, apiKey string, opts ...StripeOption) *StripeGateway {
	g := &StripeGateway{
		baseURL: strings.TrimRight(baseURL, "/"),
		apiKey:  apiKey,
		client:  &http.Client{Timeout: 10 * time.Second},
	}
	for _, o := range opts {
		o(g)
	}
	return g
}

// Name implements Gateway.
func (s *StripeGateway) Name() string { return "stripe" }

type stripeIntent struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

type stripeErrorBody struct {
	Error struct {
		Type        string `json:"type"`
		Code        string `json:"code"`
		DeclineCode string `json:"decline_code"`
		Message     string `json:"message"`
	} `json:"error"`
}

// Authorize implements Gateway: it creates and confirms a PaymentIntent
// with manual capture.
func (s *StripeGateway) Authorize(ctx context.Context, req AuthorizeRequest) (*Authorization, error) {
	form := url.Values{
		"amount":         {strconv.FormatInt(req.Amount.Minor, 10)},
		"currency":       {strings.ToLower(req.Amount.Currency)},
		"payment_method": {req.PaymentMethod},
		"confirm":        {"true"},
		"capture_method": {"manual"},
	}
	form.Set("metadata[order_id]", req.OrderID)
	var intent stripeIntent
	if err := s.post(ctx, "/v1/payment_intents", req.IdempotencyKey, form, &intent); err != nil {
		return nil, fmt.Errorf("stripe: authorize %s: %w", req.OrderID, err)
	}
	return &Authorization{Ref: intent.ID, Gateway: s.Name(), Approved: intent.Status == "requires_capture"}, nil
}

// Capture implements Gateway.
func (s *StripeGateway) Capture(ctx context.Context, ref string, amount Money) error {
	form := url.Values{"amount_to_capture": {strconv.FormatInt(amount.Minor, 10)}}
	var intent stripeIntent
	if err := s.post(ctx, "/v1/payment_intents/"+ref+"/capture", "capture-"+ref, form, &intent); err != nil {
		return fmt.Errorf("stripe: capture %s: %w", ref, err)
	}
	return nil
}

// Refund implements Gateway.
func (s *StripeGateway) Refund(ctx context.Context, ref string, amount Money) error {
	form := url.Values{"payment_intent": {ref}, "amount": {strconv.FormatInt(amount.Minor, 10)}}
	if err := s.post(ctx, "/v1/refunds", "refund-"+ref, form, nil); err != nil {
		return fmt.Errorf("stripe: refund %s: %w", ref, err)
	}
	return nil
}

// post sends a form-encoded request and decodes the JSON answer into out.
func (s *StripeGateway) post(ctx context.Context, path, idemKey string, form url.Values, out interface{}) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.baseURL+path, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.apiKey)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Idempotency-Key", idemKey)

	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		return decodeStripeError(resp)
	}
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// decodeStripeError turns an error response into a Go error.
func decodeStripeError(resp *http.Response) error {
	var body stripeErrorBody
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&body); err != nil {
		return fmt.Errorf("stripe: status %d with unreadable body: %v", resp.StatusCode, err)
	}
	if body.Error.Type == "card_error" {
		return fmt.Errorf(declineFmt, body.Error.Message, body.Error.DeclineCode)
	}
	return fmt.Errorf(apiErrorFmt, resp.StatusCode, body.Error.Message, body.Error.Code)
}
