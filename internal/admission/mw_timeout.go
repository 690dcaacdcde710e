package admission

import (
	"context"
	"net/http"
	"time"
)

// Review deadlines. The API server appends ?timeout=<timeoutSeconds>s to
// the webhook's URL and gives up after it; work past it is wasted.
const (
	defaultReviewTimeout = 10 * time.Second
	maxReviewTimeout     = 30 * time.Second // the most the API server allows
)

// withTimeout gives the request's context the deadline the API server
// asked for (?timeout=3s), bounded, so that a rule that waits (the image
// gate asking a server) stops when nobody waits for the answer.
func withTimeout(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), reviewTimeout(r.URL.Query().Get("timeout")))
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func reviewTimeout(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return defaultReviewTimeout
	}
	return min(d, maxReviewTimeout)
}
