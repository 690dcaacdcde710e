package imagehealth

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/policy"
)

const (
	digestA = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	digestB = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

// TestDiskReadsWhatWriteWrote: a verdict written by reference and digest
// is found by any spelling of the reference a pod spec may use, and by
// the digest under any name; other images were never scanned.
func TestDiskReadsWhatWriteWrote(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "verdicts")
	at := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	if err := Write(dir, Verdict{Ref: "docker.io/library/nginx:1.27", Digest: digestA, Healthy: false, Summary: "2 findings high or higher with a fix", ScannedAt: at},
		[]string{"nginx:1.27"}); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, Verdict{Ref: "registry.example.com:5000/shop/api:1.4", Healthy: true, Summary: "no findings high or higher with a fix", ScannedAt: at},
		[]string{"registry.example.com:5000/shop/api:1.4"}); err != nil {
		t.Fatal(err)
	}
	unhealthy := policy.ImageVerdict{Scanned: true, Digest: digestA, Summary: "2 findings high or higher with a fix"}
	cases := map[string]policy.ImageVerdict{
		"nginx:1.27":                             unhealthy,
		"docker.io/library/nginx:1.27":           unhealthy,
		"index.docker.io/library/nginx:1.27":     unhealthy,
		"mirror.example.com/nginx@" + digestA:    unhealthy, // the digest names the content
		"nginx":                                  {},        // latest was not scanned
		"nginx@" + digestB:                       {},
		"registry.example.com:5000/shop/api:1.4": {Scanned: true, Healthy: true, Summary: "no findings high or higher with a fix"},
		"registry.example.com/shop/api:1.4":      {}, // another registry
	}
	d := NewDisk(dir)
	for ref, want := range cases {
		if got, err := d.Health(context.Background(), ref); err != nil || got != want {
			t.Errorf("Health(%s) = %+v, %v; want %+v", ref, got, err, want)
		}
	}
	if _, err := d.Health(context.Background(), "Not A Reference"); err == nil {
		t.Error("a malformed reference gave no error")
	}
	if _, err := NewDisk(t.TempDir()).Health(context.Background(), "nginx"); err != nil {
		t.Errorf("an empty directory: %v", err)
	}
}

// TestWritePrivateAndWhole: files are 0600 in 0700 folders, a new verdict
// replaces the old one, no temporary file stays, and a corrupt file is an
// error rather than "never scanned".
func TestWritePrivateAndWhole(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "verdicts")
	for _, healthy := range []bool{false, true} {
		if err := Write(dir, Verdict{Ref: "docker.io/library/alpine:3.20", Digest: digestB, Healthy: healthy}, []string{"alpine:3.20"}); err != nil {
			t.Fatal(err)
		}
	}
	files := 0
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		info, _ := e.Info()
		switch {
		case e.IsDir() && info.Mode().Perm() != 0o700:
			t.Errorf("%s: mode %v, want 0700", p, info.Mode().Perm())
		case !e.IsDir() && info.Mode().Perm() != 0o600:
			t.Errorf("%s: mode %v, want 0600", p, info.Mode().Perm())
		case !e.IsDir() && !strings.HasSuffix(p, ".json"):
			t.Errorf("left behind: %s", p)
		case !e.IsDir():
			files++
		}
		return nil
	})
	if files != 2 {
		t.Errorf("%d files, want one by reference and one by digest", files)
	}
	v, err := NewDisk(dir).Health(context.Background(), "alpine:3.20")
	if err != nil || !v.Healthy {
		t.Fatalf("after the second write: %+v %v, want the newer, healthy verdict", v, err)
	}
	key, _, _ := normalize("alpine:3.20")
	os.WriteFile(refPath(dir, key), []byte(`{"ref":`), 0o600)
	if _, err := NewDisk(dir).Health(context.Background(), "alpine:3.20"); err == nil {
		t.Error("a corrupt verdict file read as no error")
	}
	if err := Write(dir, Verdict{Digest: "sha256:../../etc"}, nil); err == nil {
		t.Error("a malformed digest was written")
	}
}
