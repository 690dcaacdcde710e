package store

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testLease: one holder at a time; the holder may renew; an expired or
// released lease can be taken by another.
func testLease(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	clk := withClock(s)
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
		clk.Add(st.advance)
		if st.release != "" {
			must(t, s.ReleaseLease(ctx, "refresh", st.release))
		}
		ok, err := s.TryLease(ctx, "refresh", st.holder, time.Hour)
		if err != nil || ok != st.want {
			t.Fatalf("%s: TryLease(%s) = %v, %v; want %v", st.name, st.holder, ok, err, st.want)
		}
	}
}

// testLeaseConcurrent: of many replicas racing for a free lease, one
// gets it.
func testLeaseConcurrent(t *testing.T, open func(t *testing.T) *Store) {
	s1 := open(t)
	s2 := reopen(t, s1)
	var got atomic.Int32
	var wg sync.WaitGroup
	for w := range 8 {
		s := []*Store{s1, s2}[w%2]
		wg.Go(func() {
			ok, err := s.TryLease(ctx, "refresh", fmt.Sprintf("w%d", w), time.Hour)
			if err != nil {
				t.Errorf("w%d: %v", w, err)
			}
			if ok {
				got.Add(1)
			}
		})
	}
	wg.Wait()
	if got.Load() != 1 {
		t.Fatalf("%d replicas hold the lease, want 1", got.Load())
	}
}
