// Package retryafter reads HTTP's Retry-After header, with which a
// server asks a client to come back later (429, 503).
package retryafter

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Max bounds what Parse returns: far above any delay a client would wait,
// far below a Duration overflow.
const Max = 24 * time.Hour

// Parse reads an HTTP Retry-After value, either delay-seconds or an
// HTTP-date (RFC 9110 section 10.2.3), relative to now, as a delay from 0
// to Max. It reports false when v is neither.
func Parse(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return Max, true
			}
			return 0, false
		}
		return min(time.Duration(min(n, uint64(Max/time.Second)))*time.Second, Max), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(0, min(t.Sub(now), Max)), true
}
