package imagehealth

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// DefaultCacheSize bounds a Cached's entries: far more images than a
// cluster admits in a TTL, small in memory.
const DefaultCacheSize = 4096

// Cached reuses another source's answers for a TTL, so that a rollout of
// many pods of one image costs one question: concurrent questions about
// one image share the call in flight. Errors are never kept, so a server
// back up is asked again at once.
type Cached struct {
	src   policy.ImageHealth
	ttl   time.Duration
	max   int
	now   func() time.Time
	group singleflight.Group

	mu      sync.Mutex
	entries map[string]cacheEntry
}

type cacheEntry struct {
	v       policy.ImageVerdict
	expires time.Time
}

var _ policy.ImageHealth = (*Cached)(nil)

// NewCached keeps at most max answers of src (DefaultCacheSize when max
// is not positive), each for ttl.
func NewCached(src policy.ImageHealth, ttl time.Duration, max int) *Cached {
	if max <= 0 {
		max = DefaultCacheSize
	}
	return &Cached{src: src, ttl: ttl, max: max, now: time.Now, entries: map[string]cacheEntry{}}
}

// Health answers from the cache, else asks src once for all who wait.
func (c *Cached) Health(ctx context.Context, image string) (policy.ImageVerdict, error) {
	if v, ok := c.get(image); ok {
		return v, nil
	}
	// The shared call must not end with the first caller's context:
	// the source bounds its own time.
	shared := context.WithoutCancel(ctx)
	ch := c.group.DoChan(image, func() (any, error) {
		v, err := c.src.Health(shared, image)
		if err == nil {
			c.put(image, v)
		}
		return v, err
	})
	select {
	case r := <-ch:
		v, _ := r.Val.(policy.ImageVerdict)
		return v, r.Err
	case <-ctx.Done():
		return policy.ImageVerdict{}, ctx.Err()
	}
}

func (c *Cached) get(image string) (policy.ImageVerdict, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[image]
	if !ok || !c.now().Before(e.expires) {
		return policy.ImageVerdict{}, false
	}
	return e.v, true
}

// put keeps v, first dropping expired entries when full, then the one
// closest to expiry, so the cache never holds more than max.
func (c *Cached) put(image string, v policy.ImageVerdict) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if _, ok := c.entries[image]; !ok && len(c.entries) >= c.max {
		c.evict(now)
	}
	c.entries[image] = cacheEntry{v: v, expires: now.Add(c.ttl)}
}

func (c *Cached) evict(now time.Time) {
	var oldest string
	var oldestAt time.Time
	for k, e := range c.entries {
		if !now.Before(e.expires) {
			delete(c.entries, k)
			continue
		}
		if oldest == "" || e.expires.Before(oldestAt) {
			oldest, oldestAt = k, e.expires
		}
	}
	if len(c.entries) >= c.max {
		delete(c.entries, oldest)
	}
}

// Len is how many answers are kept.
func (c *Cached) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
