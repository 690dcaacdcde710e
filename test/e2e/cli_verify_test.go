package e2e

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

func sha256Digest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// tarOf writes files (name, content pairs) as a tar archive.
func tarOf(t *testing.T, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for i := 0; i < len(files); i += 2 {
		tw.WriteHeader(&tar.Header{Name: files[i], Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(files[i+1]))})
		tw.Write([]byte(files[i+1]))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tamperedArchive writes a docker-archive, as `docker save` lays one out,
// whose config gives its one layer the diff ID of other bytes; it returns
// the archive and the claimed and actual digests.
func tamperedArchive(t *testing.T) (path, claimed, actual string) {
	layer := tarOf(t, "etc/os-release", "ID=debian\nVERSION_ID=12\n",
		"var/lib/dpkg/status", "Package: zzz-test\nStatus: install ok installed\nVersion: 1.0\nArchitecture: all\n\n")
	claimed, actual = sha256Digest([]byte("some other layer")), sha256Digest(layer)
	cfg, _ := json.Marshal(map[string]any{"architecture": "amd64", "os": "linux",
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{claimed}}})
	manifest, _ := json.Marshal([]map[string]any{{"Config": "config.json", "RepoTags": []string{"test:1"}, "Layers": []string{"l0/layer.tar"}}})
	path = filepath.Join(t.TempDir(), "tampered.tar")
	if err := os.WriteFile(path, tarOf(t, "manifest.json", string(manifest), "config.json", string(cfg), "l0/layer.tar", string(layer)), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, claimed, actual
}

// TestSkipVerifyFlag checks that `bulwark sbom` and `bulwark image` refuse
// an image whose layer does not match its diff ID, naming both digests,
// and scan it with --skip-verify.
func TestSkipVerifyFlag(t *testing.T) {
	testbed.Heavy(t)
	archive, claimed, actual := tamperedArchive(t)
	target := "docker-archive:" + archive
	db := t.TempDir()
	osv := filepath.Join(t.TempDir(), "TEST-1.json")
	os.WriteFile(osv, []byte(`{"id":"TEST-1","modified":"2026-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Debian:12","name":"zzz-test"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}`), 0o644)
	if _, stderr, code := runBulwark(t, "db", "import", "--db-dir", db, osv); code != 0 {
		t.Fatalf("db import: exit %d: %s", code, stderr)
	}
	want := "layer 0 (" + claimed + "): content hashes to " + actual + ", config says " + claimed
	for _, args := range [][]string{
		{"sbom", target, "-q", "-f", "json"},
		{"image", target, "-q", "-f", "json", "--db-dir", db},
	} {
		t.Run(args[0], func(t *testing.T) {
			if _, stderr, code := runBulwark(t, args...); code != 1 || !strings.Contains(stderr, want) {
				t.Errorf("tampered image: exit %d, stderr %q; want exit 1 and %q", code, stderr, want)
			}
			out, stderr, code := runBulwark(t, append(args, "--skip-verify")...)
			if code != 0 || !strings.Contains(out, "zzz-test") {
				t.Errorf("--skip-verify: exit %d, stderr %q, output without the package:\n%.300s", code, stderr, out)
			}
		})
	}
}
