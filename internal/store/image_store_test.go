package store

import (
	"sync"
	"testing"
	"time"
)

func testUpsertImage(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	reg := mkRegistry(t, s, "r")
	t1, t2, t3 := t0.Add(time.Minute), t0.Add(2*time.Minute), t0.Add(3*time.Minute)
	steps := []struct {
		name        string
		repo, dig   string
		tag         string
		at          time.Time
		pushed      bool
		wantCreated bool
		wantTags    map[string][]string // digest -> tags in repo "app"
	}{
		{"new, pushed with a tag", "app", "sha256:a", "v1", t0, true, true, map[string][]string{"sha256:a": {"v1"}}},
		{"seen again without tag", "app", "sha256:a", "", t1, false, false, map[string][]string{"sha256:a": {"v1"}}},
		{"second tag, sorted", "app", "sha256:a", "latest", t1, false, false, map[string][]string{"sha256:a": {"latest", "v1"}}},
		{"same tag twice", "app", "sha256:a", "latest", t1, false, false, map[string][]string{"sha256:a": {"latest", "v1"}}},
		{"tag moves to a new digest", "app", "sha256:b", "latest", t2, true, true, map[string][]string{"sha256:a": {"v1"}, "sha256:b": {"latest"}}},
		{"tag_with_underscore", "app", "sha256:b", "v_1", t2, true, false, map[string][]string{"sha256:a": {"v1"}, "sha256:b": {"latest", "v_1"}}},
		{"like wildcard does not match", "app", "sha256:a", "v%1", t3, false, false, map[string][]string{"sha256:a": {"v%1", "v1"}, "sha256:b": {"latest", "v_1"}}},
		{"other repository keeps its tags", "web", "sha256:a", "latest", t3, false, true, map[string][]string{"sha256:a": {"v%1", "v1"}, "sha256:b": {"latest", "v_1"}}},
	}
	ids := map[string]int64{}
	for _, st := range steps {
		id, created, err := s.UpsertImage(ctx, reg.ID, st.repo, st.dig, st.tag, st.at, st.pushed)
		must(t, err)
		if created != st.wantCreated {
			t.Errorf("%s: created = %v, want %v", st.name, created, st.wantCreated)
		}
		key := st.repo + "@" + st.dig
		if old, ok := ids[key]; ok && old != id {
			t.Errorf("%s: id %d, earlier %d", st.name, id, old)
		}
		ids[key] = id
		for dig, tags := range st.wantTags {
			deepEqual(t, st.name+": tags of app@"+dig, getImage(t, s, ids["app@"+dig]).Tags, tags)
		}
	}
	a := getImage(t, s, ids["app@sha256:a"])
	want := Image{ID: a.ID, RegistryID: reg.ID, Registry: reg.Host, Repository: "app", Digest: "sha256:a", Tags: []string{"v%1", "v1"},
		FirstSeen: t0, LastSeen: t3, PushedAt: t0}
	deepEqual(t, "image app@sha256:a", *a, want)
	b := getImage(t, s, ids["app@sha256:b"])
	if !b.PushedAt.Equal(t2) || !b.FirstSeen.Equal(t2) || b.Scanned {
		t.Errorf("app@sha256:b: PushedAt %v FirstSeen %v Scanned %v", b.PushedAt, b.FirstSeen, b.Scanned)
	}

	// A deleted image seen again comes back.
	n, err := s.MarkDeleted(ctx, reg.ID, map[string][]string{"app": {"sha256:b"}, "web": {"sha256:a"}})
	must(t, err)
	if n != 1 || !getImage(t, s, a.ID).Deleted {
		t.Fatalf("MarkDeleted = %d, image deleted %v", n, getImage(t, s, a.ID).Deleted)
	}
	_, created, err := s.UpsertImage(ctx, reg.ID, "app", "sha256:a", "", t3, false)
	must(t, err)
	if created || getImage(t, s, a.ID).Deleted {
		t.Errorf("upsert of a deleted image: created %v, still deleted %v", created, getImage(t, s, a.ID).Deleted)
	}

	_, err = s.Image(ctx, 12345)
	wantErr(t, "Image(12345)", err, ErrNotFound)
	_, _, err = s.UpsertImage(ctx, 12345, "app", "sha256:a", "", t0, false)
	if err == nil {
		t.Error("UpsertImage into a missing registry succeeded")
	}
}

func testRecordPull(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	reg := mkRegistry(t, s, "r")
	id := mkImage(t, s, reg.ID, "app", "sha256:a", "v1", t0)
	pull := t0.Add(time.Hour)
	must(t, s.RecordPull(ctx, reg.ID, "app", "sha256:a", pull))
	im := getImage(t, s, id)
	if !im.PulledAt.Equal(pull) || !im.LastSeen.Equal(t0) || len(im.Tags) != 1 {
		t.Errorf("after RecordPull: PulledAt %v LastSeen %v Tags %v", im.PulledAt, im.LastSeen, im.Tags)
	}
	// A pull of an image we never saw creates it.
	must(t, s.RecordPull(ctx, reg.ID, "app", "sha256:new", pull))
	items, total, err := s.ListImages(ctx, ImageFilter{Search: "app"})
	must(t, err)
	if total != 2 || items[0].Digest != "sha256:new" || !items[0].PulledAt.Equal(pull) || !items[0].FirstSeen.Equal(pull) {
		t.Errorf("after RecordPull of a new digest: %d images, first %+v", total, items[0])
	}
}

func testListImages(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	reg := mkRegistry(t, s, "r")
	for i := range 120 {
		mkImage(t, s, reg.ID, "app", "sha256:"+itoa(int64(i)), "", t0.Add(time.Duration(i)*time.Second))
	}
	tests := []struct {
		f         ImageFilter
		wantLen   int
		wantFirst string
	}{
		{ImageFilter{}, 50, "sha256:119"},
		{ImageFilter{Limit: 1000}, 120, "sha256:119"},
		{ImageFilter{Limit: 10, Offset: 115}, 5, "sha256:4"},
		{ImageFilter{Offset: 500}, 0, ""},
		{ImageFilter{Limit: -1, Offset: -3}, 50, "sha256:119"},
	}
	for _, tt := range tests {
		items, total, err := s.ListImages(ctx, tt.f)
		must(t, err)
		if total != 120 || len(items) != tt.wantLen || (len(items) > 0 && items[0].Digest != tt.wantFirst) {
			t.Errorf("ListImages(%+v): total %d, %d items, want 120, %d starting at %s", tt.f, total, len(items), tt.wantLen, tt.wantFirst)
		}
	}
	for i := 120; i < 600; i++ {
		mkImage(t, s, reg.ID, "app", "sha256:"+itoa(int64(i)), "", t0.Add(time.Duration(i)*time.Second))
	}
	items, _, err := s.ListImages(ctx, ImageFilter{Limit: 100000})
	must(t, err)
	if len(items) != 500 {
		t.Errorf("ListImages with a huge Limit returned %d items, want the maximum 500", len(items))
	}
	if _, _, err := s.ListImages(ctx, ImageFilter{Health: "sick"}); err == nil {
		t.Error("ListImages accepted the health filter \"sick\"")
	}
}

func testMarkDeleted(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	r1, r2 := mkRegistry(t, s, "one"), mkRegistry(t, s, "two")
	for _, repo := range []string{"a", "b"} {
		for _, d := range []string{"sha256:1", "sha256:2", "sha256:3"} {
			mkImage(t, s, r1.ID, repo, d, "", t0)
			mkImage(t, s, r2.ID, repo, d, "", t0)
		}
	}
	steps := []struct {
		keep      map[string][]string
		want      int
		wantLeft  int // not deleted in r1
		wantTotal int // ListImages with IncludeDeleted over r1
	}{
		{map[string][]string{"a": {"sha256:1", "sha256:2", "sha256:3"}, "b": {"sha256:1", "sha256:2", "sha256:3"}}, 0, 6, 6},
		{map[string][]string{"a": {"sha256:1", "sha256:9"}, "b": {"sha256:2", "sha256:3"}}, 3, 3, 6},
		{map[string][]string{"a": {"sha256:1"}}, 2, 1, 6}, // already deleted ones are not counted again
		{nil, 1, 0, 6},
	}
	for i, st := range steps {
		n, err := s.MarkDeleted(ctx, r1.ID, st.keep)
		must(t, err)
		_, left, err := s.ListImages(ctx, ImageFilter{RegistryID: r1.ID})
		must(t, err)
		_, all, err := s.ListImages(ctx, ImageFilter{RegistryID: r1.ID, IncludeDeleted: true})
		must(t, err)
		if n != st.want || left != st.wantLeft || all != st.wantTotal {
			t.Errorf("step %d: MarkDeleted = %d, %d left, %d with deleted; want %d, %d, %d", i, n, left, all, st.want, st.wantLeft, st.wantTotal)
		}
	}
	if _, n, _ := s.ListImages(ctx, ImageFilter{RegistryID: r2.ID}); n != 6 {
		t.Errorf("the other registry has %d images left, want 6", n)
	}
	// More digests than one UPDATE takes.
	var keep []string
	for i := range 1200 {
		d := "sha256:x" + itoa(int64(i))
		mkImage(t, s, r2.ID, "big", d, "", t0)
		if i%3 == 0 {
			keep = append(keep, d)
		}
	}
	n, err := s.MarkDeleted(ctx, r2.ID, map[string][]string{"big": keep, "a": {"sha256:1", "sha256:2", "sha256:3"}, "b": {"sha256:1", "sha256:2", "sha256:3"}})
	must(t, err)
	if n != 800 {
		t.Errorf("MarkDeleted over 1200 digests = %d, want 800", n)
	}
}

func testDueForRescan(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	reg := mkRegistry(t, s, "r")
	day := 24 * time.Hour
	type img struct {
		name           string
		scanned        time.Time // zero: never
		pushed, pulled time.Time
		deleted        bool
	}
	imgs := []img{
		{"old-pushed-recently", t0, t0.Add(5 * day), time.Time{}, false},
		{"old-pulled-recently", t0.Add(time.Hour), time.Time{}, t0.Add(5 * day), false},
		{"old-idle", t0, t0, t0, false},
		{"fresh", t0.Add(9 * day), t0.Add(5 * day), t0.Add(5 * day), false},
		{"never-scanned", time.Time{}, t0.Add(5 * day), t0.Add(5 * day), false},
		{"deleted", t0, t0.Add(5 * day), t0.Add(5 * day), true},
	}
	ids := map[int64]string{}
	for _, im := range imgs {
		id := mkImage(t, s, reg.ID, im.name, "sha256:1", "", t0)
		ids[id] = im.name
		if !im.pushed.IsZero() {
			_, _, err := s.UpsertImage(ctx, reg.ID, im.name, "sha256:1", "", im.pushed, true)
			must(t, err)
		}
		if !im.pulled.IsZero() {
			must(t, s.RecordPull(ctx, reg.ID, im.name, "sha256:1", im.pulled))
		}
		if !im.scanned.IsZero() {
			must(t, s.SaveScan(ctx, ScanResult{ImageID: id, ScannedAt: im.scanned, Healthy: true}, 0))
		}
		if im.deleted {
			_, err := s.writer().exec(ctx, "UPDATE images SET deleted = TRUE WHERE id = ?", id)
			must(t, err)
		}
	}
	tests := []struct {
		before, pushedSince, pulledSince time.Time
		limit                            int
		want                             []string
	}{
		{t0.Add(8 * day), t0.Add(day), t0.Add(day), 0, []string{"old-pushed-recently", "old-pulled-recently"}},
		{t0.Add(8 * day), t0.Add(day), t0.Add(day), 1, []string{"old-pushed-recently"}},
		{t0.Add(8 * day), t0.Add(day), t0.Add(6 * day), 0, []string{"old-pushed-recently"}},
		{t0.Add(8 * day), t0.Add(6 * day), t0.Add(day), 0, []string{"old-pulled-recently"}},
		{t0.Add(30 * time.Minute), t0.Add(day), t0.Add(day), 0, []string{"old-pushed-recently"}},
		{t0.Add(10 * day), t0.Add(-time.Hour), t0.Add(20 * day), 0, []string{"old-pushed-recently", "old-idle", "fresh"}},
		{t0, t0.Add(-time.Hour), t0.Add(-time.Hour), 0, nil},
	}
	for i, tt := range tests {
		got, err := s.DueForRescan(ctx, tt.before, tt.pushedSince, tt.pulledSince, tt.limit)
		must(t, err)
		var names []string
		for _, id := range got {
			names = append(names, ids[id])
		}
		deepEqual(t, "DueForRescan case "+itoa(int64(i)), names, tt.want)
	}
}

// testUpsertConcurrent pushes one tag to three digests from 6 goroutines
// on two Stores while a seventh watches: at no commit may two digests hold
// the tag, and every call must succeed (PostgreSQL deadlocks are retried).
func testUpsertConcurrent(t *testing.T, open func(t *testing.T) *Store) {
	s1 := open(t)
	s2 := reopen(t, s1)
	reg := mkRegistry(t, s1, "r")
	var wg sync.WaitGroup
	done := make(chan struct{})
	var checks, bad int
	watcher := make(chan struct{})
	go func() {
		defer close(watcher)
		for {
			select {
			case <-done:
				return
			default:
			}
			var n int
			if err := s1.reader().row(ctx, `SELECT COUNT(*) FROM images WHERE tags LIKE '%"latest"%'`).Scan(&n); err != nil {
				t.Errorf("watcher: %v", err)
				return
			}
			checks++
			if n > 1 {
				bad++
			}
		}
	}()
	for g := range 6 {
		s := []*Store{s1, s2}[g%2]
		wg.Go(func() {
			for i := range 40 {
				digest := "sha256:" + itoa(int64((g+i)%3))
				if _, _, err := s.UpsertImage(ctx, reg.ID, "app", digest, "latest", t0.Add(time.Duration(i)*time.Second), true); err != nil {
					t.Errorf("goroutine %d: UpsertImage: %v", g, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(done)
	<-watcher
	if bad > 0 {
		t.Errorf("the tag was on two digests at once in %d of %d looks", bad, checks)
	}
	items, total, err := s1.ListImages(ctx, ImageFilter{})
	must(t, err)
	holders := 0
	for _, im := range items {
		holders += len(im.Tags)
	}
	if total != 3 || holders != 1 {
		t.Errorf("%d images, %d hold the tag; want 3 and 1", total, holders)
	}
}
