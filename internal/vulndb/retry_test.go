package vulndb

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestRetryAfter: a download waits as asked, up to maxRetryAfter
// (retryafter.Parse reads the header).
func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"6", 6 * time.Second, true},
		{"120", maxRetryAfter, true},
		{"121", 0, false},
		{"99999999999999999999", 0, false},
		{"soon", 0, false},
	}
	for _, c := range cases {
		got, ok := retryAfter(c.v, now)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", c.v, got, ok, c.want, c.ok)
		}
	}
}

// TestGetPolitely: a 429 with Retry-After is waited out and retried; one
// without is an error naming the status; a server that never stops
// refusing gets its answer back after the last retry.
func TestGetPolitely(t *testing.T) {
	cases := []struct {
		name     string
		refusals int
		header   string
		want     int // status; 0 for an error
		wantErr  string
	}{
		{"waits and retries", 2, "0", 200, ""},
		{"no Retry-After", 1, "", 0, "429"},
		{"refuses for ever", 99, "0", 429, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := 0
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if n++; n <= c.refusals {
					if c.header != "" {
						w.Header().Set("Retry-After", c.header)
					}
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				w.Write([]byte("ok"))
			}))
			defer hs.Close()
			req, _ := http.NewRequest(http.MethodGet, hs.URL, nil)
			resp, err := getPolitely(context.Background(), hs.Client(), req)
			if c.want == 0 {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, c.wantErr)
				}
				return
			}
			if err != nil || resp.StatusCode != c.want {
				t.Fatalf("getPolitely = %v, %v; want %d", resp, err, c.want)
			}
			resp.Body.Close()
		})
	}
}
