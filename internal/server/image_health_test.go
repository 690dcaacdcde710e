package server

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/imagehealth"
	"github.com/bulwarksec/bulwark/internal/policy"
	"github.com/bulwarksec/bulwark/internal/store"
)

const (
	apiDigest = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	newDigest = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
	hubDigest = "sha256:3333333333333333333333333333333333333333333333333333333333333333"
)

// seedHealth stores a registry with an unhealthy scanned image (tag 1.4),
// an image not scanned yet (tag 1.5), and Docker Hub's nginx:latest,
// scanned healthy.
func seedHealth(t *testing.T, st *store.Store) time.Time {
	t.Helper()
	ctx := context.Background()
	reg := &store.Registry{Name: "shop", URL: "https://registry.example.com:5000", Host: "registry.example.com:5000"}
	hub := &store.Registry{Name: "hub", URL: "https://registry-1.docker.io", Host: "registry-1.docker.io"}
	for _, r := range []*store.Registry{reg, hub} {
		if err := st.CreateRegistry(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	api, _, err := st.UpsertImage(ctx, reg.ID, "shop/api", apiDigest, "1.4", at, true)
	if err != nil {
		t.Fatal(err)
	}
	st.UpsertImage(ctx, reg.ID, "shop/api", newDigest, "1.5", at, true)
	nginx, _, _ := st.UpsertImage(ctx, hub.ID, "library/nginx", hubDigest, "latest", at, true)
	results := []store.ScanResult{
		{ImageID: api, ScannedAt: at, Healthy: false, Counts: store.Counts{Critical: 1, High: 3, Low: 2}},
		{ImageID: nginx, ScannedAt: at, Healthy: true, Counts: store.Counts{Medium: 1}},
	}
	for _, r := range results {
		if err := st.SaveScan(ctx, r, 0); err != nil {
			t.Fatal(err)
		}
	}
	return at
}

// TestImageHealth: the endpoint finds an image by tag or digest as a pod
// spec spells it (Docker Hub's short names included), says found false
// for an image it does not know, and 400 for a malformed reference.
func TestImageHealth(t *testing.T) {
	f := newFixture(t)
	at := seedHealth(t, f.st)
	reader := f.token(RoleReader)
	cases := []struct {
		ref  string
		want imageHealthJSON
	}{
		{"registry.example.com:5000/shop/api:1.4", imageHealthJSON{Ref: "registry.example.com:5000/shop/api:1.4", Found: true, Scanned: true,
			Digest: apiDigest, ScannedAt: &at, Counts: countsJSON{Critical: 1, High: 3, Low: 2}}},
		{"registry.example.com:5000/shop/api:9.9@" + apiDigest, imageHealthJSON{Ref: "registry.example.com:5000/shop/api:9.9@" + apiDigest,
			Found: true, Scanned: true, Digest: apiDigest, ScannedAt: &at, Counts: countsJSON{Critical: 1, High: 3, Low: 2}}},
		{"registry.example.com:5000/shop/api:1.5", imageHealthJSON{Ref: "registry.example.com:5000/shop/api:1.5", Found: true, Digest: newDigest}},
		{"nginx", imageHealthJSON{Ref: "docker.io/library/nginx:latest", Found: true, Scanned: true, Healthy: true, Digest: hubDigest,
			ScannedAt: &at, Counts: countsJSON{Medium: 1}}},
		{"registry.example.com:5000/shop/api", imageHealthJSON{Ref: "registry.example.com:5000/shop/api:latest"}},
		{"other.example.com/shop/api:1.4", imageHealthJSON{Ref: "other.example.com/shop/api:1.4"}},
	}
	for _, c := range cases {
		code, body := f.do(reader, "GET", "/api/v1/image-health?ref="+url.QueryEscape(c.ref), "")
		var got imageHealthJSON
		if err := json.Unmarshal([]byte(body), &got); code != 200 || err != nil {
			t.Errorf("%s: %d %s", c.ref, code, body)
			continue
		}
		if !sameHealth(got, c.want) {
			t.Errorf("%s: %s, want %+v", c.ref, body, c.want)
		}
	}
	for ref, mention := range map[string]string{"": "ref is required", "Shop/API:1": `bad ref "Shop/API:1"`, "a::b": `bad ref "a::b"`} {
		code, body := f.do(reader, "GET", "/api/v1/image-health?ref="+url.QueryEscape(ref), "")
		var e struct{ Error string }
		json.Unmarshal([]byte(body), &e)
		if code != 400 || !strings.Contains(e.Error, mention) {
			t.Errorf("ref %q: %d %s, want 400 naming it", ref, code, body)
		}
	}
}

func sameHealth(a, b imageHealthJSON) bool {
	ta, tb := a.ScannedAt, b.ScannedAt
	a.ScannedAt, b.ScannedAt = nil, nil
	return a == b && (ta == nil) == (tb == nil) && (ta == nil || ta.Equal(*tb))
}

// TestImageHealthReach: readers and admins may ask, ingest tokens and
// callers without a token may not.
func TestImageHealthReach(t *testing.T) {
	f := newFixture(t)
	seedHealth(t, f.st)
	reg, _ := f.st.RegistryByHost(context.Background(), "registry.example.com:5000")
	path := "/api/v1/image-health?ref=nginx"
	for name, c := range map[string]struct {
		token string
		want  int
	}{
		"admin":    {f.admin, 200},
		"reader":   {f.token(RoleReader), 200},
		"ingest":   {f.ingestToken(reg.ID), 403},
		"no token": {"", 401},
		"unknown":  {"bwk_unknown", 401},
	} {
		if code, body := f.do(c.token, "GET", path, ""); code != c.want {
			t.Errorf("%s token: %d %s, want %d", name, code, body, c.want)
		}
	}
	if code, _ := f.do(f.admin, "POST", path, ""); code != 404 && code != 405 {
		t.Errorf("POST: %d, want no such endpoint", code)
	}
}

// TestImageHealthClient: the policy engine's client reads the endpoint's
// answers as the image-gating rules expect them.
func TestImageHealthClient(t *testing.T) {
	f := newFixture(t)
	seedHealth(t, f.st)
	c, err := imagehealth.NewServer(imagehealth.ServerOptions{URL: f.http.URL, Token: f.token(RoleReader)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]policy.ImageVerdict{
		"registry.example.com:5000/shop/api:1.4": {Scanned: true, Digest: apiDigest, Summary: "1 critical, 3 high, 2 low findings"},
		"registry.example.com:5000/shop/api:1.5": {Digest: newDigest},
		"docker.io/library/nginx":                {Scanned: true, Healthy: true, Digest: hubDigest, Summary: "1 medium findings"},
		"busybox":                                {},
	}
	for ref, w := range want {
		if got, err := c.Health(context.Background(), ref); err != nil || got != w {
			t.Errorf("%s: %+v %v, want %+v", ref, got, err, w)
		}
	}
	if _, err := c.Health(context.Background(), "Shop/API"); err == nil || !strings.Contains(err.Error(), "400") {
		t.Errorf("malformed reference: %v, want the 400 as an error", err)
	}
}
