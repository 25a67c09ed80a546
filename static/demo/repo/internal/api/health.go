package api

import (
	"context"
	"net/http"
	"sync"
	"time"

	"k8s.io/klog/v2"
)

// Pinger is a dependency the readiness probe checks.
type Pinger interface {
	Ping(ctx context.Context, d time.Duration) error
}

// readiness remembers the last probe result so that a flapping database
// is logged once per change, not once per probe.
type readiness struct {
	mu     sync.Mutex
	ready  bool
	checks map[string]Pinger
}

func newReadiness(checks map[string]Pinger) *readiness {
	return &readiness{ready: true, checks: checks}
}

// ServeHTTP answers 200 when every dependency answers, 503 otherwise.
func (rd *readiness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for name, p := range rd.checks {
		if err := p.Ping(r.Context(), time.Second); err != nil {
			rd.set(false, name, err)
			http.Error(w, name+" unavailable", http.StatusServiceUnavailable)
			return
		}
	}
	rd.set(true, "", nil)
	w.WriteHeader(http.StatusOK)
}

func (rd *readiness) set(ready bool, name string, err error) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if rd.ready == ready {
		return
	}
	rd.ready = ready
	if ready {
		klog.InfoS("service ready again")
		return
	}
	klog.Warningf("readiness check %s failed: %v", name, err)
}
