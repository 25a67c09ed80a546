// Package queue runs background jobs (payment capture, shipping) on a
// fixed pool of workers. Workers hand their failures to the pool's
// collector over a channel, which logs them in one place.
package queue

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"go.uber.org/zap"
)

// Job is one unit of background work.
type Job struct {
	ID       string
	Kind     string
	OrderID  string
	TraceCtx context.Context
	Enqueued time.Time
	Attempt  int
}

// Handler processes jobs of one kind.
type Handler interface {
	Handle(ctx context.Context, job Job) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, job Job) error

// Handle implements Handler.
func (f HandlerFunc) Handle(ctx context.Context, job Job) error { return f(ctx, job) }

// ErrClosed is returned by Enqueue after Close.
var ErrClosed = errors.New("queue: closed")

// Pool is a fixed-size worker pool.
type Pool struct {
	size     int
	jobs     chan Job
	handlers map[string]Handler
	log      *zap.Logger
	timeout  time.Duration

	mu     sync.Mutex
	closed bool
}

// Option configures a Pool.
type Option func(*Pool)

// WithJobTimeout bounds each job.
func WithJobTimeout(d time.Duration) Option { return func(p *Pool) { p.timeout = d } }

// New returns a pool with size workers and a queue of buffer jobs.
func New(size, buffer int, log *zap.Logger, opts ...Option) *Pool {
	p := &Pool{
		size:     size,
		jobs:     make(chan Job, buffer),
		handlers: make(map[string]Handler),
		log:      log.Named("queue"),
		timeout:  30 * time.Second,
	}
	for _, o := range opts {
		o(p)
	}
	return p
}

// Register routes jobs of kind to h. Call before Run.
func (p *Pool) Register(kind string, h Handler) {
	p.handlers[kind] = h
}

// Enqueue adds a job; it fails when the pool is closed or full.
func (p *Pool) Enqueue(job Job) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	job.Enqueued = time.Now()
	select {
	case p.jobs <- job:
		return nil
	default:
		return fmt.Errorf("queue full (%d jobs), dropping %s", cap(p.jobs), job.ID)
	}
}

// Close stops accepting jobs; Run returns once the queue is drained.
func (p *Pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.closed = true
		close(p.jobs)
	}
}

// Run starts the workers and logs every failed job until the queue is
// closed and drained.
func (p *Pool) Run(ctx context.Context) {
	errCh := make(chan error, p.size)
	var wg sync.WaitGroup
	for i := 0; i < p.size; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			p.work(ctx, id, errCh)
		}(i)
	}
	go func() {
		wg.Wait()
		close(errCh)
	}()

	for err := range errCh {
		var je *JobError
		if errors.As(err, &je) {
			p.log.Error("job failed", append(je.fields(), zap.Error(err))...)
			continue
		}
		p.log.Error("job failed", zap.Error(err))
	}
	p.log.Info("queue drained")
}

// JobError carries the failed job next to the error, for log fields.
type JobError struct {
	Job Job
	Err error
}

func (e *JobError) Error() string { return e.Err.Error() }
func (e *JobError) Unwrap() error { return e.Err }

func (e *JobError) fields() []zap.Field {
	return append(traceFields(e.Job.TraceCtx),
		zap.String("job_id", e.Job.ID),
		zap.String("kind", e.Job.Kind),
		zap.String("order_id", e.Job.OrderID),
		zap.Int("attempt", e.Job.Attempt))
}

// work processes jobs until the queue closes, sending failures to errCh.
func (p *Pool) work(ctx context.Context, id int, errCh chan<- error) {
	for job := range p.jobs {
		if err := p.process(ctx, job); err != nil {
			errCh <- &JobError{Job: job, Err: fmt.Errorf("worker %d: job %s (%s): %w", id, job.ID, job.Kind, err)}
		}
	}
}

// process runs one job, turning a handler panic into an error.
func (p *Pool) process(ctx context.Context, job Job) (err error) {
	h, ok := p.handlers[job.Kind]
	if !ok {
		return fmt.Errorf("no handler for job kind %q", job.Kind)
	}
	if job.TraceCtx != nil {
		ctx = job.TraceCtx
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			p.log.Debug("handler panicked", zap.String("job_id", job.ID), zap.ByteString("stack", debug.Stack()))
			err = fmt.Errorf("panic in %s handler: %v", job.Kind, r)
		}
	}()
	return h.Handle(ctx, job)
}
