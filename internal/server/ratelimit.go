package server

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// tokenLimiter keeps one token bucket per API token (golang.org/x/time/rate:
// the Go team's limiter, allocation-free on the hot path).
type tokenLimiter struct {
	rate  rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[int64]*rate.Limiter
}

func newTokenLimiter(perSecond float64, burst int) *tokenLimiter {
	return &tokenLimiter{rate: rate.Limit(perSecond), burst: burst, buckets: map[int64]*rate.Limiter{}}
}

// allow takes one request from token id's bucket; when it is empty it
// returns how long until one is there.
func (l *tokenLimiter) allow(id int64) (bool, time.Duration) {
	l.mu.Lock()
	b := l.buckets[id]
	if b == nil {
		b = rate.NewLimiter(l.rate, l.burst)
		l.buckets[id] = b
	}
	l.mu.Unlock()
	r := b.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return false, d
	}
	return true, 0
}

// tooMany answers 429 with a Retry-After in whole seconds.
func tooMany(w http.ResponseWriter, wait time.Duration, msg string) {
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	writeError(w, http.StatusTooManyRequests, msg)
}
