package payments

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pkg/errors"
)

// Event is a provider notification about a payment.
type Event struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Created int64  `json:"created"`
	Data    struct {
		Object struct {
			ID       string `json:"id"`
			Metadata struct {
				OrderID string `json:"order_id"`
			} `json:"metadata"`
		} `json:"object"`
	} `json:"data"`
}

// WebhookVerifier checks Stripe-style "t=...,v1=..." signatures.
type WebhookVerifier struct {
	secret    []byte
	tolerance time.Duration
	now       func() time.Time
}

// NewWebhookVerifier returns a verifier for secret.
func NewWebhookVerifier(secret []byte) *WebhookVerifier {
	return &WebhookVerifier{secret: secret, tolerance: 5 * time.Minute, now: time.Now}
}

// Parse verifies header against payload and decodes the event.
func (v *WebhookVerifier) Parse(payload []byte, header string) (*Event, error) {
	if err := v.verify(payload, header); err != nil {
		return nil, errors.Wrap(err, "verify webhook")
	}
	var ev Event
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, errors.Wrap(err, "decode webhook event")
	}
	return &ev, nil
}

// verify checks the timestamp and the HMAC-SHA256 signature.
func (v *WebhookVerifier) verify(payload []byte, header string) error {
	var ts int64
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return fmt.Errorf("malformed signature timestamp %q", val)
			}
			ts = n
		case "v1":
			sigs = append(sigs, val)
		}
	}
	if ts == 0 || len(sigs) == 0 {
		return fmt.Errorf("malformed signature header %q", header)
	}
	if age := v.now().Sub(time.Unix(ts, 0)); age > v.tolerance {
		return fmt.Errorf("signature timestamp too old: %s", age.Round(time.Second))
	}
	mac := hmac.New(sha256.New, v.secret)
	fmt.Fprintf(mac, "%d.", ts)
	mac.Write(payload)
	want := mac.Sum(nil)
	for _, s := range sigs {
		got, err := hex.DecodeString(s)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrInvalidSignature
}
