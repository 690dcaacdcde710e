package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestLease: one holder at a time; the holder may renew; an expired or
// released lease can be taken by another.
func TestLease(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	steps := []struct {
		name    string
		advance time.Duration
		release string // who releases first, if anyone
		holder  string
		want    bool
	}{
		{"first taker gets it", 0, "", "a", true},
		{"another waits", time.Minute, "", "b", false},
		{"holder renews", time.Minute, "", "a", true},
		{"expired: another takes it", 2 * time.Hour, "", "b", true},
		{"released by a non-holder: still held", 0, "a", "a", false},
		{"released by its holder: free", 0, "b", "c", true},
	}
	for _, st := range steps {
		now = now.Add(st.advance)
		if st.release != "" {
			if err := s.ReleaseLease(ctx, "refresh", st.release); err != nil {
				t.Fatal(err)
			}
		}
		ok, err := s.TryLease(ctx, "refresh", st.holder, time.Hour)
		if err != nil || ok != st.want {
			t.Fatalf("%s: TryLease(%s) = %v, %v; want %v", st.name, st.holder, ok, err, st.want)
		}
	}
}
