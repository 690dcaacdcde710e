package alert

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// permanentError marks a failure that retrying cannot fix (a 4xx answer, a
// malformed URL, an alert that cannot be encoded). Errors without this mark
// are retried.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// retryAfterError is a retryable failure whose receiver said when to come
// back (HTTP Retry-After).
type retryAfterError struct {
	err   error
	after time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

func isPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// retryDelay is how long to wait before attempt number next (2 for the
// first retry): the receiver's Retry-After when it gave one, else an
// exponential backoff from lo doubling per attempt with equal jitter, both
// capped at hi.
func retryDelay(err error, next int, lo, hi time.Duration) time.Duration {
	var ra *retryAfterError
	if errors.As(err, &ra) {
		return clamp(ra.after, 0, hi)
	}
	d := lo
	for i := 2; i < next && d < hi; i++ {
		d *= 2
	}
	d = clamp(d, 0, hi)
	if half := d / 2; half > 0 {
		d = half + rand.N(half+1)
	}
	return d
}

func clamp(d, lo, hi time.Duration) time.Duration {
	return max(lo, min(d, hi))
}

// maxRetryAfter bounds what parseRetryAfter returns, far above any sane
// MaxBackoff and far below a Duration overflow.
const maxRetryAfter = 24 * time.Hour

// parseRetryAfter reads an HTTP Retry-After value, either delay-seconds or
// an HTTP-date (RFC 9110 section 10.2.3), relative to now. It reports false
// when v is neither.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return maxRetryAfter, true
			}
			return 0, false
		}
		return min(time.Duration(min(n, uint64(maxRetryAfter/time.Second)))*time.Second, maxRetryAfter), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return clamp(t.Sub(now), 0, maxRetryAfter), true
}
