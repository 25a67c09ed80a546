package payments

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/google/uuid"
)

// SandboxGateway is an in-process gateway for staging and load tests.
// Payment methods starting with "pm_fail_" are declined.
type SandboxGateway struct {
	mu       sync.Mutex
	captured map[string]Money
	limit    int64
}

// NewSandboxGateway returns a sandbox that declines amounts over limit
// (in minor units); zero means no limit.
func NewSandboxGateway(limit int64) *SandboxGateway {
	return &SandboxGateway{captured: make(map[string]Money), limit: limit}
}

// Name implements Gateway.
func (s *SandboxGateway) Name() string { return "sandbox" }

// Authorize implements Gateway.
func (s *SandboxGateway) Authorize(ctx context.Context, req AuthorizeRequest) (*Authorization, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if strings.HasPrefix(req.PaymentMethod, "pm_fail_") {
		return nil, fmt.Errorf("sandbox: payment method %s declined", req.PaymentMethod)
	}
	if s.limit > 0 && req.Amount.Minor > s.limit {
		return nil, fmt.Errorf("sandbox: amount %s over limit", req.Amount)
	}
	return &Authorization{Ref: "sbx_" + uuid.NewString(), Gateway: s.Name(), Approved: true}, nil
}

// Capture implements Gateway.
func (s *SandboxGateway) Capture(ctx context.Context, ref string, amount Money) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.captured[ref]; dup {
		return fmt.Errorf("sandbox: %s already captured", ref)
	}
	s.captured[ref] = amount
	return nil
}

// Refund implements Gateway.
func (s *SandboxGateway) Refund(ctx context.Context, ref string, amount Money) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	got, ok := s.captured[ref]
	if !ok {
		return fmt.Errorf("sandbox: no capture for %s", ref)
	}
	if amount.Minor > got.Minor {
		return fmt.Errorf("sandbox: refund %s exceeds captured %s", amount, got)
	}
	return nil
}
