package alert

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options tune a Dispatcher. Zero fields take the defaults.
type Options struct {
	Attempts   int           // tries per alert and notifier, the first included; default 5
	MinBackoff time.Duration // first retry delay, doubling each retry, with jitter; default 1s
	MaxBackoff time.Duration // cap on a retry delay, Retry-After included; default 1m
	QueueSize  int           // alerts waiting per notifier; default 1000; when full, Send returns an error (never blocks the caller)
	Logger     *slog.Logger  // default: discard
}

// Stats counts one notifier's deliveries: Sent succeeded, Failed gave up
// (a permanent error, or Attempts used up), Retried is the number of
// retries made, and Dropped were never delivered because the queue was
// full, the dispatcher closed, or Close gave up on them.
type Stats struct{ Sent, Failed, Retried, Dropped int64 }

// attemptTimeout bounds one Notify call, so a receiver that hangs cannot
// stall its queue forever.
const attemptTimeout = 30 * time.Second

// Dispatcher fans alerts out to notifiers in the background with retries
// and backoff. Each notifier has its own queue and worker, so a slow or
// failing receiver delays only its own alerts, and alerts reach each
// receiver in the order they were sent.
type Dispatcher struct {
	opts   Options
	log    *slog.Logger
	queues []*queue
	cancel context.CancelFunc // aborts delivery when Close runs out of time
	wg     sync.WaitGroup

	mu     sync.RWMutex // guards closed against Send racing Close
	closed bool
}

type queue struct {
	n                              Notifier
	ch                             chan Alert
	sent, failed, retried, dropped atomic.Int64
}

// NewDispatcher starts one worker per notifier; Close stops them.
func NewDispatcher(ns []Notifier, opts Options) *Dispatcher {
	opts = withDefaults(opts)
	ctx, cancel := context.WithCancel(context.Background())
	d := &Dispatcher{opts: opts, log: opts.Logger, cancel: cancel}
	for _, n := range ns {
		q := &queue{n: n, ch: make(chan Alert, opts.QueueSize)}
		d.queues = append(d.queues, q)
		d.wg.Add(1)
		go d.run(ctx, q)
	}
	return d
}

func withDefaults(o Options) Options {
	if o.Attempts <= 0 {
		o.Attempts = 5
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Minute
	}
	o.MaxBackoff = max(o.MaxBackoff, o.MinBackoff)
	if o.QueueSize <= 0 {
		o.QueueSize = 1000
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Send queues a copy of a for every notifier and returns at once. It
// returns an error, naming the notifiers, when a queue is full (the alert
// is dropped for those only) or the dispatcher is closed.
func (d *Dispatcher) Send(a Alert) error {
	a = cloneAlert(a)
	d.mu.RLock()
	defer d.mu.RUnlock()
	var full []string
	for _, q := range d.queues {
		if d.closed {
			q.dropped.Add(1)
			continue
		}
		select {
		case q.ch <- a:
		default:
			q.dropped.Add(1)
			full = append(full, q.n.Name())
		}
	}
	if d.closed {
		return fmt.Errorf("alert: dispatcher closed, alert %s dropped", a.Type)
	}
	if len(full) > 0 {
		d.log.Warn("alert queue full, alert dropped", "alert", a.Type, "notifiers", full)
		return fmt.Errorf("alert: queue full, alert %s dropped for %s", a.Type, strings.Join(full, ", "))
	}
	return nil
}

// Close stops accepting alerts, waits for the queued ones to be delivered
// (retries included) until ctx is done, then abandons the rest and returns
// ctx's error. It then closes the notifiers that have a Close method. Close
// after the first returns nil at once.
func (d *Dispatcher) Close(ctx context.Context) error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	for _, q := range d.queues {
		close(q.ch)
	}
	d.mu.Unlock()
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		d.cancel()
		<-done
		err = fmt.Errorf("alert: close before the queues drained: %w", ctx.Err())
	}
	d.cancel()
	return errors.Join(err, d.closeNotifiers())
}

func (d *Dispatcher) closeNotifiers() error {
	var errs []error
	for _, q := range d.queues {
		if c, ok := q.n.(io.Closer); ok {
			if err := c.Close(); err != nil {
				errs = append(errs, fmt.Errorf("alert: close %s: %w", q.n.Name(), err))
			}
		}
	}
	return errors.Join(errs...)
}

// Stats returns the counters per notifier name (notifiers sharing a name
// are summed), for /metrics.
func (d *Dispatcher) Stats() map[string]Stats {
	out := make(map[string]Stats, len(d.queues))
	for _, q := range d.queues {
		s := out[q.n.Name()]
		s.Sent += q.sent.Load()
		s.Failed += q.failed.Load()
		s.Retried += q.retried.Load()
		s.Dropped += q.dropped.Load()
		out[q.n.Name()] = s
	}
	return out
}

func (d *Dispatcher) run(ctx context.Context, q *queue) {
	defer d.wg.Done()
	for a := range q.ch {
		if ctx.Err() != nil {
			q.dropped.Add(1) // Close gave up; count what it abandoned
			continue
		}
		d.deliver(ctx, q, a)
	}
}

// deliver tries a on q's notifier until it succeeds, fails for good, runs
// out of attempts, or ctx is cancelled by Close.
func (d *Dispatcher) deliver(ctx context.Context, q *queue, a Alert) {
	log := d.log.With("notifier", q.n.Name(), "alert", a.Type, "fingerprint", Fingerprint(a))
	for attempt := 1; ; attempt++ {
		err := d.attempt(ctx, q.n, a)
		switch {
		case err == nil:
			q.sent.Add(1)
			return
		case ctx.Err() != nil:
			q.dropped.Add(1)
			log.Warn("alert abandoned at close", "attempt", attempt, "err", err)
			return
		case isPermanent(err) || attempt >= d.opts.Attempts:
			q.failed.Add(1)
			log.Error("alert not delivered", "attempt", attempt, "err", err)
			return
		}
		delay := retryDelay(err, attempt+1, d.opts.MinBackoff, d.opts.MaxBackoff)
		log.Warn("alert delivery failed, retrying", "attempt", attempt, "retry_in", delay.String(), "err", err)
		q.retried.Add(1)
		if !sleep(ctx, delay) {
			q.dropped.Add(1)
			return
		}
	}
}

// attempt is one Notify under attemptTimeout. A panicking notifier fails the
// alert (for good: retrying a bug does not fix it) instead of the process.
func (d *Dispatcher) attempt(ctx context.Context, n Notifier, a Alert) (err error) {
	ctx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err = &permanentError{fmt.Errorf("alert: %s panicked: %v", n.Name(), r)}
		}
	}()
	return n.Notify(ctx, a)
}

// sleep waits d, reporting false if ctx ends first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// cloneAlert copies a's maps and slices, so the caller may reuse them after
// Send while the workers still read them.
func cloneAlert(a Alert) Alert {
	a.Tactics = slices.Clone(a.Tactics)
	a.Entities = maps.Clone(a.Entities)
	a.Evidence = slices.Clone(a.Evidence)
	return a
}
