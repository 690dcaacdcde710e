package vulndb

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/bulwarksec/bulwark/internal/retryafter"
)

// maxRetryAfter is the longest a server may ask a download to wait.
const maxRetryAfter = 2 * time.Minute

// retries is how often a download told to wait (429, 503) tries again.
const retries = 3

// getPolitely sends req, and when the server answers 429 Too Many
// Requests or 503 Service Unavailable with a Retry-After of at most
// maxRetryAfter (NVD's and cloud storage's way of asking a client to slow
// down), waits that long and tries again, up to retries times.
func getPolitely(ctx context.Context, client *http.Client, req *http.Request) (*http.Response, error) {
	for i := 0; ; i++ {
		resp, err := client.Do(req)
		if err != nil || i == retries || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
			return resp, err
		}
		wait, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now())
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		if !ok {
			return nil, fmt.Errorf("HTTP %s without a usable Retry-After", resp.Status)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// retryAfter reads a Retry-After header; ok is false when it is missing,
// malformed or longer than maxRetryAfter.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	d, ok := retryafter.Parse(v, now)
	return d, ok && d <= maxRetryAfter
}
