// Package retry runs an operation again with exponential backoff and
// jitter until it succeeds, the context ends, the error is marked
// permanent, or the attempts run out.
package retry

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"time"
)

// Policy says how often and how patiently to retry.
type Policy struct {
	Attempts   int
	BaseDelay  time.Duration
	MaxDelay   time.Duration
	Multiplier float64
	// Retryable reports whether err is worth another attempt; nil means
	// every non-permanent error is.
	Retryable func(err error) bool
}

// DefaultPolicy is used by outbound HTTP clients.
var DefaultPolicy = Policy{
	Attempts:   4,
	BaseDelay:  100 * time.Millisecond,
	MaxDelay:   2 * time.Second,
	Multiplier: 2,
}

type permanentError struct {
	err error
}

func (p *permanentError) Error() string { return p.err.Error() }
func (p *permanentError) Unwrap() error { return p.err }

// Permanent marks err as not worth retrying.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// Do calls fn until it returns nil or the policy gives up. The returned
// error wraps the last error fn returned.
func Do(ctx context.Context, p Policy, fn func(ctx context.Context) error) error {
	if p.Attempts <= 0 {
		p.Attempts = 1
	}
	var err error
	for attempt := 1; attempt <= p.Attempts; attempt++ {
		err = fn(ctx)
		if err == nil {
			return nil
		}
		if IsPermanent(err) {
			return err
		}
		if p.Retryable != nil && !p.Retryable(err) {
			return err
		}
		if attempt == p.Attempts {
			break
		}
		t := time.NewTimer(p.backoff(attempt))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("retry interrupted after %d attempts: %w", attempt, err)
		case <-t.C:
		}
	}
	return fmt.Errorf("giving up after %d attempts: %w", p.Attempts, err)
}

// backoff returns the delay before attempt+1, with full jitter.
func (p Policy) backoff(attempt int) time.Duration {
	mult := p.Multiplier
	if mult < 1 {
		mult = 2
	}
	d := float64(p.BaseDelay)
	for i := 1; i < attempt; i++ {
		d *= mult
	}
	if max := float64(p.MaxDelay); p.MaxDelay > 0 && d > max {
		d = max
	}
	return time.Duration(rand.Int63n(int64(d) + 1))
}
