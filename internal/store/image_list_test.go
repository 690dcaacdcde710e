package store

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// testListImagesModel fills the store with random images and checks
// ListImages against a plain Go filter and sort of the same images, for
// every combination of filters.
func testListImagesModel(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	rng := rand.New(rand.NewPCG(1, 2))
	regs := []*Registry{mkRegistry(t, s, "one"), mkRegistry(t, s, "two"), mkRegistry(t, s, "three")}
	repos := []string{"app", "library/app", "web", "team_x/svc", "db"}
	tagPool := []string{"v1", "V1.2", "latest", "rc_1", "100%", "Stable", `back\slash`}
	var ids []int64
	for i := range 300 {
		reg := regs[i%len(regs)]
		repo := repos[rng.IntN(len(repos))]
		digest := "sha256:" + itoa(int64(i))
		at := t0.Add(time.Duration(rng.IntN(60)) * time.Minute) // ties on LastSeen are common
		id := mkImage(t, s, reg.ID, repo, digest, "", at)
		for range rng.IntN(3) {
			_, _, err := s.UpsertImage(ctx, reg.ID, repo, digest, tagPool[rng.IntN(len(tagPool))], at, false)
			must(t, err)
		}
		switch rng.IntN(3) {
		case 1:
			must(t, s.SaveScan(ctx, ScanResult{ImageID: id, Healthy: true}, 0))
		case 2:
			must(t, s.SaveScan(ctx, ScanResult{ImageID: id, Counts: Counts{High: 1}}, 0))
		}
		if rng.IntN(5) == 0 {
			_, err := s.writer().exec(ctx, "UPDATE images SET deleted = TRUE WHERE id = ?", id)
			must(t, err)
		}
		ids = append(ids, id)
	}
	var all []Image
	for _, id := range ids {
		all = append(all, *getImage(t, s, id))
	}
	slices.SortFunc(all, func(a, b Image) int {
		if c := b.LastSeen.Compare(a.LastSeen); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})

	n := 0
	for _, reg := range []int64{0, regs[1].ID} {
		for _, repo := range []string{"", "app"} {
			for _, health := range []string{"", "healthy", "unhealthy", "unscanned"} {
				for _, search := range []string{"", "APP", "v1", "_", "%", "1_", "st", `\`, "sh\nv1", "nothing"} {
					for _, del := range []bool{false, true} {
						for _, page := range [][2]int{{0, 0}, {7, 3}} {
							f := ImageFilter{RegistryID: reg, Repository: repo, Health: health, Search: search, IncludeDeleted: del, Limit: page[0], Offset: page[1]}
							checkList(t, s, f, all)
							n++
						}
					}
				}
			}
		}
	}
	t.Logf("%d filters agree with the Go model over %d images", n, len(all))
}

func checkList(t *testing.T, s *Store, f ImageFilter, all []Image) {
	t.Helper()
	var want []int64
	for _, im := range all {
		if modelMatch(im, f) {
			want = append(want, im.ID)
		}
	}
	total := len(want)
	want = want[min(f.Offset, len(want)):]
	want = want[:min(limit(f.Limit), len(want))]
	items, gotTotal, err := s.ListImages(ctx, f)
	if err != nil {
		t.Fatalf("ListImages(%+v): %v", f, err)
	}
	var got []int64
	for _, im := range items {
		got = append(got, im.ID)
	}
	if gotTotal != total || !slices.Equal(got, want) {
		t.Errorf("ListImages(%+v):\n got total %d, %v\nwant total %d, %v", f, gotTotal, got, total, want)
	}
}

// modelMatch is ImageFilter's meaning, written plainly.
func modelMatch(im Image, f ImageFilter) bool {
	if (im.Deleted && !f.IncludeDeleted) || (f.RegistryID != 0 && im.RegistryID != f.RegistryID) ||
		(f.Repository != "" && im.Repository != f.Repository) {
		return false
	}
	switch f.Health {
	case "healthy":
		if !im.Scanned || !im.Healthy {
			return false
		}
	case "unhealthy":
		if !im.Scanned || im.Healthy {
			return false
		}
	case "unscanned":
		if im.Scanned {
			return false
		}
	}
	if f.Search == "" {
		return true
	}
	term := strings.ToLower(f.Search)
	if strings.Contains(strings.ToLower(im.Repository), term) {
		return true
	}
	for _, tag := range im.Tags {
		if strings.Contains(strings.ToLower(tag), term) {
			return true
		}
	}
	return false
}
