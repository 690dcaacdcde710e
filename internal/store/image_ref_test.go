package store

import (
	"testing"
	"time"
)

func testImageByReference(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	reg := mkRegistry(t, s, "r")
	hub := &Registry{Name: "hub", URL: "https://registry-1.docker.io", Host: "registry-1.docker.io"}
	must(t, s.CreateRegistry(ctx, hub))
	a := mkImage(t, s, reg.ID, "shop/api", "sha256:a", "1.4", t0)
	b := mkImage(t, s, reg.ID, "shop/api", "sha256:b", "v_1", t0)
	mkImage(t, s, reg.ID, "shop/api", "sha256:b", "Beta", t0)
	old := mkImage(t, s, reg.ID, "shop/old", "sha256:c", "1.0", t0)
	nginx := mkImage(t, s, hub.ID, "library/nginx", "sha256:d", "latest", t0)
	must(t, s.SaveScan(ctx, ScanResult{ImageID: a, ScannedAt: t0.Add(time.Hour), Healthy: false, Counts: Counts{Critical: 1, High: 2}}, 0))
	_, err := s.MarkDeleted(ctx, reg.ID, map[string][]string{"shop/api": {"sha256:a", "sha256:b"}})
	must(t, err)

	rh := []string{reg.Host}
	found := []struct {
		name           string
		hosts          []string
		repo, dig, tag string
		want           int64
	}{
		{"by tag", rh, "shop/api", "", "1.4", a},
		{"by digest", rh, "shop/api", "sha256:a", "", a},
		{"by a tag in capitals", rh, "shop/api", "", "Beta", b},
		{"a deleted image by digest", rh, "shop/old", "sha256:c", "", old},
		{"Docker Hub by any of its spellings", []string{"docker.io", "index.docker.io", "registry-1.docker.io"}, "library/nginx", "", "latest", nginx},
	}
	for _, c := range found {
		im, err := s.ImageByReference(ctx, c.hosts, c.repo, c.dig, c.tag)
		if err != nil || im.ID != c.want {
			t.Errorf("%s: %+v %v, want image %d", c.name, im, err, c.want)
		}
	}
	im, _ := s.ImageByReference(ctx, rh, "shop/api", "", "1.4")
	if im == nil || !im.Scanned || im.Healthy || im.Counts.Critical != 1 || im.Counts.High != 2 || !im.ScannedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("the scanned image's health: %+v", im)
	}
	missing := []struct {
		name           string
		hosts          []string
		repo, dig, tag string
	}{
		{"another registry", []string{"other:5000"}, "shop/api", "", "1.4"},
		{"another repository", rh, "shop/web", "", "1.4"},
		{"an unknown tag", rh, "shop/api", "", "1.5"},
		{"a tag of another case", rh, "shop/api", "", "beta"},
		{"LIKE's wildcard is not one", rh, "shop/api", "", "vx1"},
		{"a tag only a deleted image holds", rh, "shop/old", "", "1.0"},
		{"an unknown digest", rh, "shop/api", "sha256:e", ""},
	}
	for _, c := range missing {
		_, err := s.ImageByReference(ctx, c.hosts, c.repo, c.dig, c.tag)
		wantErr(t, c.name, err, ErrNotFound)
	}
	if _, err := s.ImageByReference(ctx, rh, "shop/api", "sha256:a", "1.4"); err == nil {
		t.Error("both a digest and a tag were accepted")
	}
}
