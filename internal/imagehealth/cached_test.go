package imagehealth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// counting is a source that counts its calls, answers healthy (or fails
// while fail is set), and holds each call until gate is closed.
type counting struct {
	calls atomic.Int32
	fail  atomic.Bool
	gate  chan struct{}
}

func (c *counting) Health(_ context.Context, image string) (policy.ImageVerdict, error) {
	c.calls.Add(1)
	if c.gate != nil {
		<-c.gate
	}
	if c.fail.Load() {
		return policy.ImageVerdict{}, errors.New("unreachable")
	}
	return policy.ImageVerdict{Scanned: true, Healthy: true, Digest: image}, nil
}

func fakeClock(c *Cached) *time.Time {
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	c.now = func() time.Time { return now }
	return &now
}

// TestCachedHitMissExpiry: a second question within the TTL is answered
// from memory, one after it asks again; errors are not kept.
func TestCachedHitMissExpiry(t *testing.T) {
	src := &counting{}
	c := NewCached(src, 30*time.Second, 0)
	now := fakeClock(c)
	ask := func(image string) policy.ImageVerdict {
		t.Helper()
		v, err := c.Health(context.Background(), image)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := ask("nginx"); v.Digest != "nginx" || src.calls.Load() != 1 {
		t.Fatalf("miss: %+v after %d calls", v, src.calls.Load())
	}
	*now = now.Add(29 * time.Second)
	if ask("nginx"); src.calls.Load() != 1 {
		t.Fatalf("hit within the TTL asked the source: %d calls", src.calls.Load())
	}
	*now = now.Add(time.Second)
	if ask("nginx"); src.calls.Load() != 2 {
		t.Fatalf("after the TTL: %d calls, want 2", src.calls.Load())
	}
	src.fail.Store(true)
	for i := 0; i < 2; i++ {
		if _, err := c.Health(context.Background(), "busybox"); err == nil {
			t.Fatal("an error was not passed on")
		}
	}
	if src.calls.Load() != 4 {
		t.Fatalf("errors were cached: %d calls, want 4", src.calls.Load())
	}
}

// TestCachedBurst: many pods of one image at once cost one question.
func TestCachedBurst(t *testing.T) {
	src := &counting{gate: make(chan struct{})}
	c := NewCached(src, 30*time.Second, 0)
	var wg sync.WaitGroup
	var failed atomic.Int32
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := c.Health(context.Background(), "shop/api:1.4"); err != nil || !v.Healthy {
				failed.Add(1)
			}
		}()
	}
	for src.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let the others queue behind the call in flight
	close(src.gate)
	wg.Wait()
	if n := src.calls.Load(); n != 1 || failed.Load() != 0 {
		t.Fatalf("50 concurrent questions: %d calls to the source, %d failed; want 1 and 0", n, failed.Load())
	}
}

// TestCachedBound: the cache never holds more than its bound, dropping
// expired answers first, then the oldest.
func TestCachedBound(t *testing.T) {
	src := &counting{}
	c := NewCached(src, time.Minute, 3)
	now := fakeClock(c)
	for i := 0; i < 10; i++ {
		*now = now.Add(time.Second)
		c.Health(context.Background(), fmt.Sprintf("app:%d", i))
		if c.Len() > 3 {
			t.Fatalf("%d entries, bound 3", c.Len())
		}
	}
	before := src.calls.Load()
	c.Health(context.Background(), "app:9")
	c.Health(context.Background(), "app:0")
	if got := src.calls.Load() - before; got != 1 {
		t.Fatalf("the newest answer should be kept and the oldest dropped: %d calls, want 1", got)
	}
}

// TestCachedCallerGivesUp: a caller whose context ends stops waiting,
// while the shared call goes on for the others.
func TestCachedCallerGivesUp(t *testing.T) {
	src := &counting{gate: make(chan struct{})}
	c := NewCached(src, time.Minute, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Health(ctx, "nginx"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%v, want the caller's deadline", err)
	}
	close(src.gate)
	if v, err := c.Health(context.Background(), "nginx"); err != nil || !v.Healthy {
		t.Fatalf("after the call completed: %+v %v", v, err)
	}
}
