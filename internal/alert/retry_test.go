package alert

import (
	"errors"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 120 * time.Second, true},
		{" 0 ", 0, true},
		{"99999999999999999999999", maxRetryAfter, true},
		{"864000", maxRetryAfter, true},
		// The three HTTP-date forms of RFC 9110 section 5.6.7.
		{"Wed, 21 Oct 2015 07:28:30 GMT", 30 * time.Second, true},
		{"Wednesday, 21-Oct-15 07:29:00 GMT", time.Minute, true},
		{"Wed Oct 21 07:28:05 2015", 5 * time.Second, true},
		{"Wed, 21 Oct 2015 07:00:00 GMT", 0, true}, // in the past: now
		{"", 0, false},
		{"-5", 0, false},
		{"1.5", 0, false},
		{"12abc", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRetryDelay(t *testing.T) {
	lo, hi := 100*time.Millisecond, time.Second
	plain := errors.New("status 503")
	tests := []struct {
		err             error
		next            int
		atLeast, atMost time.Duration
	}{
		{plain, 2, 50 * time.Millisecond, 100 * time.Millisecond},
		{plain, 3, 100 * time.Millisecond, 200 * time.Millisecond},
		{plain, 5, 400 * time.Millisecond, 800 * time.Millisecond},
		{plain, 6, 500 * time.Millisecond, time.Second}, // 1.6s capped at 1s
		{plain, 80, 500 * time.Millisecond, time.Second},
		{&retryAfterError{plain, 300 * time.Millisecond}, 2, 300 * time.Millisecond, 300 * time.Millisecond},
		{&retryAfterError{plain, time.Hour}, 2, hi, hi},
	}
	for _, tt := range tests {
		for range 200 { // the jitter is random: sample it
			if d := retryDelay(tt.err, tt.next, lo, hi); d < tt.atLeast || d > tt.atMost {
				t.Errorf("retryDelay(%v, %d) = %v, want in [%v, %v]", tt.err, tt.next, d, tt.atLeast, tt.atMost)
				break
			}
		}
	}
}

// FuzzRetryAfter checks that any header value yields a delay in range and
// never panics.
func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"120", "Wed, 21 Oct 2015 07:28:30 GMT", "", "9999999999999999999", "Sun Nov  6 08:49:37 1994"} {
		f.Add(s)
	}
	now := time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, now)
		if d < 0 || d > maxRetryAfter || !ok && d != 0 {
			t.Errorf("parseRetryAfter(%q) = %v, %v", v, d, ok)
		}
	})
}
