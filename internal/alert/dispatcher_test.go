package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// fastOptions keep retries quick in tests.
func fastOptions(log *slog.Logger) Options {
	return Options{Attempts: 5, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, Logger: log}
}

// closeAndStats closes d (failing the test if it cannot drain) and returns
// its only notifier's stats.
func closeAndStats(t *testing.T, d *Dispatcher) Stats {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := d.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	st := d.Stats()
	if len(st) != 1 {
		t.Fatalf("Stats has %d notifiers, want 1: %v", len(st), st)
	}
	for _, s := range st {
		return s
	}
	return Stats{}
}

func TestDispatcherRetries(t *testing.T) {
	tests := []struct {
		name     string
		answer   script
		attempts int
		requests int
		want     Stats
	}{
		{"delivered at once", status(200, "ok"), 5, 1, Stats{Sent: 1}},
		{"two 500s then 200", func(n int, w http.ResponseWriter, r *http.Request) {
			if n < 3 {
				w.WriteHeader(500)
			}
		}, 5, 3, Stats{Sent: 1, Retried: 2}},
		{"429 then 200", func(n int, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				w.WriteHeader(429)
			}
		}, 5, 2, Stats{Sent: 1, Retried: 1}},
		{"400 is not retried", status(400, "invalid_payload"), 5, 1, Stats{Failed: 1}},
		{"503 until attempts run out", status(503, ""), 3, 3, Stats{Failed: 1, Retried: 2}},
		{"one attempt", status(503, ""), 1, 1, Stats{Failed: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := newReceiver(t, tt.answer)
			opts := fastOptions(nil)
			opts.Attempts = tt.attempts
			d := NewDispatcher([]Notifier{NewWebhook(rc.url(), nil, nil)}, opts)
			if err := d.Send(sampleAlert()); err != nil {
				t.Fatal(err)
			}
			rc.waitRequests(t, tt.requests)
			if got := closeAndStats(t, d); got != tt.want {
				t.Errorf("Stats = %+v, want %+v", got, tt.want)
			}
			if n := len(rc.requests()); n != tt.requests {
				t.Errorf("receiver got %d requests, want %d", n, tt.requests)
			}
		})
	}
}

func TestDispatcherRetryAfter(t *testing.T) {
	tests := []struct {
		name        string
		retryAfter  string
		maxBackoff  time.Duration
		least, most time.Duration
	}{
		// MinBackoff is 10ms: a gap of a second can only come from the header.
		{"honoured", "1", 5 * time.Second, 950 * time.Millisecond, 4 * time.Second},
		{"capped at MaxBackoff", "3600", 300 * time.Millisecond, 280 * time.Millisecond, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n == 1 {
					w.Header().Set("Retry-After", tt.retryAfter)
					w.WriteHeader(http.StatusTooManyRequests)
				}
			})
			opts := fastOptions(nil)
			opts.MaxBackoff = tt.maxBackoff
			d := NewDispatcher([]Notifier{NewSlack(rc.url(), nil)}, opts)
			if err := d.Send(sampleAlert()); err != nil {
				t.Fatal(err)
			}
			rc.waitRequests(t, 2)
			r := rc.requests()
			if gap := r[1].at.Sub(r[0].at); gap < tt.least || gap > tt.most {
				t.Errorf("retried after %v, want between %v and %v", gap, tt.least, tt.most)
			}
			if got := closeAndStats(t, d); got != (Stats{Sent: 1, Retried: 1}) {
				t.Errorf("Stats = %+v", got)
			}
		})
	}
}

func TestDispatcherCloseDrains(t *testing.T) {
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * time.Millisecond)
		if n%7 == 0 {
			w.WriteHeader(502) // some need a retry; order must still hold
		}
	})
	d := NewDispatcher([]Notifier{NewWebhook(rc.url(), nil, nil)}, fastOptions(nil))
	const n = 40
	for i := range n {
		a := sampleAlert()
		a.Title = fmt.Sprint(i)
		if err := d.Send(a); err != nil {
			t.Fatal(err)
		}
	}
	st := closeAndStats(t, d) // returns only once all are delivered
	if st.Sent != n || st.Failed != 0 || st.Dropped != 0 {
		t.Errorf("Stats = %+v, want %d sent", st, n)
	}
	var titles []string
	for _, r := range rc.requests() {
		var p struct{ Title string }
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatal(err)
		}
		if len(titles) == 0 || titles[len(titles)-1] != p.Title {
			titles = append(titles, p.Title)
		}
	}
	for i, title := range titles {
		if title != fmt.Sprint(i) {
			t.Fatalf("delivery order %v, want 0..%d in order", titles, n-1)
		}
	}
}

func TestDispatcherCloseDeadline(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	rc := newReceiver(t, func(int, http.ResponseWriter, *http.Request) { <-release })
	d := NewDispatcher([]Notifier{NewWebhook(rc.url(), nil, nil)}, fastOptions(nil))
	for range 5 {
		if err := d.Send(sampleAlert()); err != nil {
			t.Fatal(err)
		}
	}
	rc.waitRequests(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := d.Close(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close = %v, want a deadline error", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Close took %v past its 200ms deadline", took)
	}
	if got := d.Stats()[d.queues[0].n.Name()]; got != (Stats{Dropped: 5}) {
		t.Errorf("Stats = %+v, want the 5 alerts dropped", got)
	}
	if err := d.Close(context.Background()); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestDispatcherQueueFull(t *testing.T) {
	release := make(chan struct{})
	slow := newReceiver(t, func(int, http.ResponseWriter, *http.Request) { <-release })
	fast := newReceiver(t, nil)
	opts := fastOptions(nil)
	opts.QueueSize = 2
	d := NewDispatcher([]Notifier{NewWebhook(slow.url(), nil, nil), NewSlack(fast.url(), nil)}, opts)
	if err := d.Send(sampleAlert()); err != nil {
		t.Fatal(err)
	}
	slow.waitRequests(t, 1) // the worker holds alert 1; the queue is empty
	for i := 2; i <= 3; i++ {
		if err := d.Send(sampleAlert()); err != nil {
			t.Fatalf("Send %d: %v", i, err)
		}
	}
	fast.waitRequests(t, 3) // a stuck receiver does not hold up another
	start := time.Now()
	err := d.Send(sampleAlert())
	if err == nil || !strings.Contains(err.Error(), "queue full") || !strings.Contains(err.Error(), "webhook:") ||
		strings.Contains(err.Error(), "slack:") {
		t.Errorf("Send to a full queue = %v, want a queue-full error naming the webhook only", err)
	}
	if time.Since(start) > time.Second {
		t.Error("Send blocked on a full queue")
	}
	close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := d.Close(ctx); err != nil {
		t.Fatal(err)
	}
	st := d.Stats()
	if got := st["webhook:"+slow.srv.URL]; got != (Stats{Sent: 3, Dropped: 1}) {
		t.Errorf("webhook Stats = %+v, want 3 sent, 1 dropped", got)
	}
	if got := st["slack:"+fast.srv.URL]; got != (Stats{Sent: 4}) {
		t.Errorf("slack Stats = %+v, want 4 sent", got)
	}
	if err := d.Send(sampleAlert()); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("Send after Close = %v, want a closed error", err)
	}
}

// TestDispatcherLogsNoSecrets drives every failure path that logs (final
// 4xx with an echoing body, retried 5xx, network errors, a full queue) and
// checks the log names hosts and statuses but no secret.
func TestDispatcherLogsNoSecrets(t *testing.T) {
	echo := newReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		fmt.Fprintf(w, "bad request to %s (auth %s, token %s)", r.URL.RequestURI(),
			r.Header.Get("Authorization"), strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	})
	flaky := newReceiver(t, status(503, "down", "Retry-After", "0"))
	gone := newReceiver(t, nil)
	goneURL := gone.url()
	gone.srv.Close()
	var buf syncBuffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts := fastOptions(log)
	opts.Attempts = 2
	auth := map[string]string{"Authorization": secretHeader}
	d := NewDispatcher([]Notifier{
		NewWebhook(echo.url(), auth, nil),
		NewSlack(flaky.url(), nil),
		NewWebhook(goneURL, auth, nil),
		NewSlack(goneURL, nil),
	}, opts)
	if err := d.Send(sampleAlert()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := d.Close(ctx); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"status 400", "bad request to [redacted]", "status 503", echo.srv.Listener.Addr().String(), "retrying", "not delivered"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	assertNoSecrets(t, out)
	for name, st := range d.Stats() {
		if st.Failed != 1 {
			t.Errorf("%s: Stats = %+v, want 1 failed", name, st)
		}
		assertNoSecrets(t, name)
	}
}

// panicNotifier stands for a buggy notifier: the dispatcher must survive it.
type panicNotifier struct{}

func (panicNotifier) Name() string                        { return "panics" }
func (panicNotifier) Notify(context.Context, Alert) error { panic("bug") }

func TestDispatcherSurvivesPanic(t *testing.T) {
	d := NewDispatcher([]Notifier{panicNotifier{}}, fastOptions(nil))
	if err := d.Send(sampleAlert()); err != nil {
		t.Fatal(err)
	}
	if got := closeAndStats(t, d); got != (Stats{Failed: 1}) {
		t.Errorf("Stats = %+v, want 1 failed without retries", got)
	}
}

func TestDispatcherCopiesAlert(t *testing.T) {
	release := make(chan struct{})
	rc := newReceiver(t, func(n int, _ http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			<-release
		}
	})
	d := NewDispatcher([]Notifier{NewWebhook(rc.url(), nil, nil)}, fastOptions(nil))
	first, second := sampleAlert(), sampleAlert()
	d.Send(first)
	rc.waitRequests(t, 1)
	d.Send(second)
	second.Entities["namespace"] = "changed-after-send" // must not reach the receiver
	close(release)
	closeAndStats(t, d)
	if body := rc.requests()[1].body; bytes.Contains(body, []byte("changed-after-send")) {
		t.Errorf("a change after Send reached the receiver: %s", body)
	}
}

// syncBuffer is a bytes.Buffer safe for the workers' concurrent logging.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
