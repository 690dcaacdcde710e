package alert

import (
	"errors"
	"testing"
	"time"
)

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
