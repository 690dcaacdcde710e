package alert

import (
	"errors"
	"math/rand/v2"
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
