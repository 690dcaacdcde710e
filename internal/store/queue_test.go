package store

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func testEnqueue(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	reg := mkRegistry(t, s, "r")
	img := mkImage(t, s, reg.ID, "app", "sha256:a", "", t0)
	img2 := mkImage(t, s, reg.ID, "app", "sha256:b", "", t0)
	steps := []struct {
		job     Job
		sameAs  int // index of the step whose ID it must return, -1 for a new one
		between func()
	}{
		{Job{Kind: "scan", ImageID: img}, -1, nil},
		{Job{Kind: "scan", ImageID: img}, 0, nil},
		{Job{Kind: "rematch", ImageID: img}, -1, nil},
		{Job{Kind: "scan", ImageID: img2}, -1, nil},
		{Job{Kind: "sync", Ref: itoa(reg.ID)}, -1, nil},
		{Job{Kind: "sync", Ref: itoa(reg.ID)}, 4, nil},
		{Job{Kind: "sync", Ref: "other"}, -1, nil},
	}
	ids := make([]int64, len(steps))
	seen := map[int64]bool{}
	for i, st := range steps {
		id, err := s.Enqueue(ctx, st.job)
		must(t, err)
		ids[i] = id
		switch {
		case st.sameAs >= 0 && id != ids[st.sameAs]:
			t.Errorf("step %d: Enqueue(%+v) = %d, want the pending %d", i, st.job, id, ids[st.sameAs])
		case st.sameAs < 0 && seen[id]:
			t.Errorf("step %d: Enqueue(%+v) = %d, an existing job", i, st.job, id)
		}
		seen[id] = true
	}
	// A running job is still pending for Enqueue; a done one is not.
	j, err := s.Claim(ctx, "w", time.Minute)
	must(t, err)
	if again, _ := s.Enqueue(ctx, Job{Kind: j.Kind, ImageID: j.ImageID, Ref: j.Ref}); again != j.ID {
		t.Errorf("Enqueue of a running job's twin = %d, want %d", again, j.ID)
	}
	must(t, s.Complete(ctx, j.ID))
	must(t, s.Complete(ctx, j.ID)) // twice is fine
	if again, _ := s.Enqueue(ctx, Job{Kind: j.Kind, ImageID: j.ImageID, Ref: j.Ref}); again == j.ID || seen[again] {
		t.Errorf("Enqueue after the job completed = %d, want a new job", again)
	}
	wantErr(t, "Complete(missing)", s.Complete(ctx, 99999), ErrNotFound)
	if _, err := s.Enqueue(ctx, Job{ImageID: img}); err == nil {
		t.Error("Enqueue of a job without a kind succeeded")
	}
	if _, err := s.Enqueue(ctx, Job{Kind: "scan", ImageID: 99999}); err == nil {
		t.Error("Enqueue of a scan of a missing image succeeded")
	}
	q, err := s.QueueStats(ctx)
	must(t, err)
	if q != (QueueStats{Pending: 5, Done: 1}) {
		t.Errorf("QueueStats = %+v, want 5 pending, 1 done", q)
	}
}

func testClaimOrder(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	clk := withClock(s)
	if j, err := s.Claim(ctx, "w", time.Minute); j != nil || err != nil {
		t.Fatalf("Claim on an empty queue = %+v, %v", j, err)
	}
	later, _ := s.Enqueue(ctx, Job{Kind: "sync", Ref: "later", NotBefore: t0.Add(time.Hour)})
	first, _ := s.Enqueue(ctx, Job{Kind: "sync", Ref: "first"})
	clk.Add(time.Second)
	second, _ := s.Enqueue(ctx, Job{Kind: "sync", Ref: "second"})
	early, _ := s.Enqueue(ctx, Job{Kind: "sync", Ref: "early", NotBefore: t0.Add(-time.Minute)})
	steps := []struct {
		advance time.Duration
		want    int64 // 0: none
	}{
		{0, early}, {0, first}, {0, second}, {0, 0}, {time.Hour, later}, {0, 0},
	}
	for i, st := range steps {
		clk.Add(st.advance)
		j, err := s.Claim(ctx, "w", 10*time.Hour)
		must(t, err)
		var got int64
		if j != nil {
			got = j.ID
			if j.Attempts != 1 || j.LockedBy != "w" || !j.LockedUntil.Equal(clk.Now().Add(10*time.Hour)) {
				t.Errorf("step %d: claimed %+v", i, j)
			}
		}
		if got != st.want {
			t.Errorf("step %d: claimed job %d, want %d", i, got, st.want)
		}
	}
	q, _ := s.QueueStats(ctx)
	if q != (QueueStats{Running: 4}) {
		t.Errorf("QueueStats = %+v, want 4 running", q)
	}
}

// testLeaseExpiry: a worker that dies keeps its job only until the lease
// ends; then another worker gets it (at-least-once), and the first one can
// no longer extend it.
func testLeaseExpiry(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	clk := withClock(s)
	id, _ := s.Enqueue(ctx, Job{Kind: "sync", Ref: "1"})
	j1, err := s.Claim(ctx, "w1", time.Minute)
	must(t, err)
	if j1 == nil || j1.ID != id {
		t.Fatalf("first claim = %+v", j1)
	}
	clk.Add(30 * time.Second)
	if j, _ := s.Claim(ctx, "w2", time.Minute); j != nil {
		t.Fatalf("job %d claimed while its lease lasts", j.ID)
	}
	must(t, s.Extend(ctx, id, "w1", time.Minute)) // heartbeat: now until +90s
	clk.Add(59 * time.Second)
	if j, _ := s.Claim(ctx, "w2", time.Minute); j != nil {
		t.Fatalf("job %d claimed while its extended lease lasts", j.ID)
	}
	if q, _ := s.QueueStats(ctx); q.Running != 1 {
		t.Errorf("QueueStats while leased = %+v", q)
	}
	clk.Add(time.Second) // lease over: w1 died
	if q, _ := s.QueueStats(ctx); q.Pending != 1 || q.Running != 0 {
		t.Errorf("QueueStats after the lease = %+v", q)
	}
	j2, err := s.Claim(ctx, "w2", time.Minute)
	must(t, err)
	if j2 == nil || j2.ID != id || j2.Attempts != 2 || j2.LockedBy != "w2" {
		t.Fatalf("reclaim after the lease = %+v, want job %d, attempt 2, w2", j2, id)
	}
	wantErr(t, "Extend by the worker that lost the job", s.Extend(ctx, id, "w1", time.Minute), ErrLeaseLost)
	must(t, s.Extend(ctx, id, "w2", time.Minute))
	must(t, s.Complete(ctx, id))
	wantErr(t, "Extend of a done job", s.Extend(ctx, id, "w2", time.Minute), ErrLeaseLost)
	if j, _ := s.Claim(ctx, "w3", time.Minute); j != nil {
		t.Errorf("a done job was claimed: %+v", j)
	}
}

func testFail(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	clk := withClock(s)
	id, _ := s.Enqueue(ctx, Job{Kind: "sync", Ref: "1"})
	const maxAttempts = 3
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		j, err := s.Claim(ctx, "w", time.Minute)
		must(t, err)
		if j == nil || j.ID != id || j.Attempts != attempt {
			t.Fatalf("attempt %d: claimed %+v", attempt, j)
		}
		if attempt > 1 && j.LastError != fmt.Sprintf("boom %d", attempt-1) {
			t.Errorf("attempt %d: LastError %q", attempt, j.LastError)
		}
		retry := clk.Now().Add(5 * time.Minute)
		must(t, s.Fail(ctx, id, fmt.Sprintf("boom %d", attempt), retry, maxAttempts))
		if j, _ := s.Claim(ctx, "w", time.Minute); j != nil {
			t.Fatalf("attempt %d: the job ran again before its retry time", attempt)
		}
		clk.Add(5 * time.Minute)
	}
	if j, _ := s.Claim(ctx, "w", time.Minute); j != nil {
		t.Fatalf("a dead job was claimed: %+v", j)
	}
	if q, _ := s.QueueStats(ctx); q != (QueueStats{Dead: 1}) {
		t.Errorf("QueueStats = %+v, want one dead", q)
	}
	// A dead job does not block a new one; failing it again changes nothing.
	must(t, s.Fail(ctx, id, "late", clk.Now(), maxAttempts))
	if again, _ := s.Enqueue(ctx, Job{Kind: "sync", Ref: "1"}); again == id {
		t.Error("Enqueue returned the dead job")
	}
	wantErr(t, "Fail(missing)", s.Fail(ctx, 99999, "x", clk.Now(), 1), ErrNotFound)
	// maxAttempts 0: retried for ever.
	id2, _ := s.Enqueue(ctx, Job{Kind: "sync", Ref: "2"})
	for range 5 {
		clk.Add(time.Minute)
		for {
			j, err := s.Claim(ctx, "w", time.Minute)
			must(t, err)
			if j == nil {
				t.Fatal("job with unlimited attempts not runnable")
			}
			if j.ID == id2 {
				break
			}
			must(t, s.Complete(ctx, j.ID))
		}
		must(t, s.Fail(ctx, id2, "again", clk.Now(), 0))
	}
}

// testClaimConcurrent runs 8 workers on two Stores of one database and
// checks that every job is claimed and completed exactly once.
func testClaimConcurrent(t *testing.T, open func(t *testing.T) *Store) {
	s1 := open(t)
	s2 := reopen(t, s1)
	for _, s := range []*Store{s1, s2} {
		s.now = time.Now // real time: the workers race for real
	}
	const jobs = 300
	for i := range jobs {
		_, err := s1.Enqueue(ctx, Job{Kind: "sync", Ref: itoa(int64(i))})
		must(t, err)
	}
	var mu sync.Mutex
	claimed := map[int64]string{}
	var completed atomic.Int64
	var wg sync.WaitGroup
	for w := range 8 {
		s := []*Store{s1, s2}[w%2]
		name := fmt.Sprintf("w%d", w)
		wg.Go(func() {
			for {
				j, err := s.Claim(ctx, name, time.Hour)
				if err != nil {
					t.Errorf("%s: Claim: %v", name, err)
					return
				}
				if j == nil {
					return
				}
				mu.Lock()
				if other, dup := claimed[j.ID]; dup {
					t.Errorf("job %d claimed by %s and %s", j.ID, other, name)
				}
				claimed[j.ID] = name
				mu.Unlock()
				if err := s.Complete(ctx, j.ID); err != nil {
					t.Errorf("%s: Complete(%d): %v", name, j.ID, err)
					return
				}
				completed.Add(1)
			}
		})
	}
	wg.Wait()
	if len(claimed) != jobs || completed.Load() != jobs {
		t.Errorf("%d jobs claimed, %d completed, want %d", len(claimed), completed.Load(), jobs)
	}
	q, err := s1.QueueStats(ctx)
	must(t, err)
	if q != (QueueStats{Done: jobs}) {
		t.Errorf("QueueStats = %+v, want %d done", q, jobs)
	}
	per := map[string]int{}
	for _, w := range claimed {
		per[w]++
	}
	t.Logf("jobs per worker: %v", per)
}
