package testbed

import (
	"fmt"
	"runtime"
	"testing"
)

// recorder is a testing.TB that records how Unavailable ended the test.
type recorder struct {
	testing.TB
	how, msg string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.how, r.msg = "fail", fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Skipf(format string, args ...any) {
	r.how, r.msg = "skip", fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestUnavailable(t *testing.T) {
	for _, tc := range []struct {
		ci      string
		how     string
		message string
	}{
		{"", "skip", "UNAVAILABLE PostgreSQL: initdb not found in /usr/lib/postgresql"},
		{"0", "skip", "UNAVAILABLE PostgreSQL: initdb not found in /usr/lib/postgresql"},
		{"1", "fail", "PostgreSQL unavailable under CI: initdb not found in /usr/lib/postgresql"},
	} {
		t.Run("BULWARK_CI="+tc.ci, func(t *testing.T) {
			t.Setenv(CIEnv, tc.ci)
			r := &recorder{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				Unavailable(r, "PostgreSQL", "initdb not found in %s", "/usr/lib/postgresql")
			}()
			<-done
			if r.how != tc.how || r.msg != tc.message {
				t.Errorf("got %s %q, want %s %q", r.how, r.msg, tc.how, tc.message)
			}
		})
	}
}
