package retryafter

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	now := time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 120 * time.Second, true},
		{" 0 ", 0, true},
		{"99999999999999999999999", Max, true},
		{"864000", Max, true},
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
		got, ok := Parse(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Parse(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzParse checks that any header value yields a delay in range and
// never panics.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"120", "Wed, 21 Oct 2015 07:28:30 GMT", "", "9999999999999999999", "Sun Nov  6 08:49:37 1994"} {
		f.Add(s)
	}
	now := time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := Parse(v, now)
		if d < 0 || d > Max || !ok && d != 0 {
			t.Errorf("Parse(%q) = %v, %v", v, d, ok)
		}
	})
}
