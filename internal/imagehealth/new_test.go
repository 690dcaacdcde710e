package imagehealth

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/match"
	"github.com/bulwarksec/bulwark/internal/policy"
	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/scan"
)

// TestNew: no section, no source; a server section builds a cached
// server (or a bare one with cacheTTL 0) from files next to the config;
// without a server, verdicts on disk.
func TestNew(t *testing.T) {
	if src, err := New(nil, "."); src != nil || err != nil {
		t.Fatalf("New(nil) = %v, %v", src, err)
	}
	base := t.TempDir()
	os.WriteFile(filepath.Join(base, "token"), []byte(testToken+"\n"), 0o600)
	src, err := New(&policy.ImageHealthConfig{Server: "https://bulwark.example.com", TokenFile: "token"}, base)
	if c, ok := src.(*Cached); err != nil || !ok || c.ttl != 30*time.Second || c.src.(*Server).token != testToken || c.src.(*Server).timeout != time.Second {
		t.Fatalf("server section: %T %v", src, err)
	}
	src, err = New(&policy.ImageHealthConfig{Server: "https://bulwark.example.com", TokenFile: "token", CacheTTL: "0s", Timeout: "250ms"}, base)
	if s, ok := src.(*Server); err != nil || !ok || s.timeout != 250*time.Millisecond {
		t.Fatalf("cacheTTL 0s: %T %v", src, err)
	}
	_, err = New(&policy.ImageHealthConfig{Server: "https://bulwark.example.com", TokenFile: "missing"}, base)
	if err == nil || !strings.Contains(err.Error(), "tokenFile") {
		t.Fatalf("missing token file: %v", err)
	}
	src, err = New(&policy.ImageHealthConfig{VerdictDir: "verdicts", CacheTTL: "0s"}, base)
	if d, ok := src.(*Disk); err != nil || !ok || d.dir != filepath.Join(base, "verdicts") {
		t.Fatalf("verdictDir: %T %v", src, err)
	}
	src, err = New(&policy.ImageHealthConfig{VerdictDir: "verdicts"}, base)
	if c, ok := src.(*Cached); err != nil || !ok || c.src.(*Disk).dir != filepath.Join(base, "verdicts") {
		t.Fatalf("verdicts on disk are read through the cache: %T %v", src, err)
	}
	t.Setenv("BULWARK_VERDICT_DIR", "/var/cache/verdicts")
	if src, _ := New(&policy.ImageHealthConfig{}, base); src.(*Cached).src.(*Disk).dir != "/var/cache/verdicts" {
		t.Fatalf("default verdict dir: %v", src.(*Cached).src.(*Disk).dir)
	}
}

// TestFromScan: the references recorded are the registry target and the
// image's own full names, normalized, never a bare OCI tag.
func TestFromScan(t *testing.T) {
	res := func(src sbom.SourceInfo, healthy bool) *scan.Result {
		return &scan.Result{SBOM: &sbom.SBOM{Source: src}, Verdict: match.Verdict{Healthy: healthy, Reason: "why"}}
	}
	at := time.Date(2025, 3, 4, 5, 6, 7, 0, time.FixedZone("x", 3600))
	cases := []struct {
		name     string
		target   string
		src      sbom.SourceInfo
		wantRefs []string
	}{
		{"registry", "nginx:1.27", sbom.SourceInfo{Digest: digestA, Tags: []string{"index.docker.io/library/nginx:1.27"}},
			[]string{"docker.io/library/nginx:1.27"}},
		{"registry by digest", "registry.example.com:5000/shop/api@" + digestA, sbom.SourceInfo{Digest: digestA},
			[]string{"registry.example.com:5000/shop/api@" + digestA}},
		{"docker-archive", "docker-archive:app.tar", sbom.SourceInfo{Tags: []string{"bulwark/app:test", "bulwark/app:v2"}},
			[]string{"docker.io/bulwark/app:test", "docker.io/bulwark/app:v2"}},
		{"oci-dir with a bare tag", "oci-dir:layout", sbom.SourceInfo{Digest: digestB, Tags: []string{"1.0"}}, nil},
		{"dir", "dir:/src", sbom.SourceInfo{}, nil},
	}
	for _, c := range cases {
		tg, err := image.ParseTarget(c.target)
		if err != nil {
			t.Fatal(err)
		}
		v, refs := FromScan(res(c.src, true), tg, at)
		if !slices.Equal(refs, c.wantRefs) || v.Digest != c.src.Digest || !v.Healthy || v.Summary != "why" || v.ScannedAt.Location() != time.UTC {
			t.Errorf("%s: %+v %q, want refs %q", c.name, v, refs, c.wantRefs)
		}
	}
}
