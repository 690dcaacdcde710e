package main

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/bulwarksec/bulwark/internal/imagehealth"
	"github.com/bulwarksec/bulwark/internal/report"
)

// minimistArchive writes a docker-archive tagged tag holding minimist
// 1.2.5 (GHSA-xvch-5gv4-984h, critical, fixed in 1.2.6).
func minimistArchive(t *testing.T, tag string) string {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	body := []byte(`{"name":"minimist","version":"1.2.5"}`)
	tw.WriteHeader(&tar.Header{Name: "app/node_modules/minimist/package.json", Mode: 0o644, Size: int64(len(body))})
	tw.Write(body)
	tw.Close()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf.Bytes())), nil })
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := name.NewTag(tag)
	path := filepath.Join(t.TempDir(), "app.tar")
	if err := tarball.WriteToFile(path, ref, img); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestImageRecordsVerdict: `bulwark image` leaves its verdict where
// imagehealth.Disk finds it by the image's name as a pod spec writes it,
// unless --no-verdict-cache; `bulwark policy test` then gates on it.
func TestImageRecordsVerdict(t *testing.T) {
	db := fixtureDB(t)
	archive := minimistArchive(t, "registry.example.com:5000/shop/api:1.4")
	verdicts := filepath.Join(t.TempDir(), "verdicts")
	env := []string{"BULWARK_VERDICT_DIR=" + verdicts}
	if r := bulwarkEnv(t, ".", env, "image", "docker-archive:"+archive, "--db-dir", db, "--no-verdict-cache"); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(verdicts); !os.IsNotExist(err) {
		t.Fatalf("--no-verdict-cache wrote %s (%v)", verdicts, err)
	}
	if r := bulwarkEnv(t, ".", env, "image", "docker-archive:"+archive, "--db-dir", db); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	v, err := imagehealth.NewDisk(verdicts).Health(context.Background(), "registry.example.com:5000/shop/api:1.4")
	if err != nil || !v.Scanned || v.Healthy || !strings.Contains(v.Summary, "1 findings high or higher") {
		t.Fatalf("recorded verdict: %+v %v", v, err)
	}

	cfg := filepath.Join(t.TempDir(), "policy.yaml")
	os.WriteFile(cfg, []byte("imageHealth: {verdictDir: "+verdicts+"}\nrules:\n  k8s.imageUnhealthy: {effect: deny}\n  k8s.imageNotScanned: {effect: warn}\n"), 0o600)
	pod := writeFile(t, `apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop}
spec:
  containers:
  - {name: api, image: "registry.example.com:5000/shop/api:1.4"}
  - {name: cache, image: "redis:7"}
`)
	r := bulwark(t, t.TempDir(), "policy", "test", "-f", "json", "--config", cfg, "--fail-on", "high", pod)
	if r.code != 1 {
		t.Fatalf("policy test: exit %d, want 1: %s", r.code, r.stderr)
	}
	var run report.Run
	if err := json.Unmarshal([]byte(r.stdout), &run); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range run.Findings {
		if strings.HasPrefix(f.RuleID, "k8s.image") {
			got[f.RuleID] = string(f.Status) + " " + f.Location.JSONPath + " " + f.Evidence["message"]
		}
	}
	if !strings.HasPrefix(got["k8s.imageUnhealthy"], "fail spec.containers[0].image image registry.example.com:5000/shop/api:1.4 of container api is unhealthy: 1 findings") {
		t.Errorf("k8s.imageUnhealthy: %q", got["k8s.imageUnhealthy"])
	}
	if got["k8s.imageNotScanned"] != "warn spec.containers[1].image image redis:7 of container cache was never scanned" {
		t.Errorf("k8s.imageNotScanned: %q", got["k8s.imageNotScanned"])
	}
}

// TestPolicyImageRulesNeedASource: a config enabling an image rule without
// an imageHealth section is refused, naming what to set.
func TestPolicyImageRulesNeedASource(t *testing.T) {
	cfg := writeFile(t, "rules: {k8s.imageNotScanned: {effect: deny}}")
	r := bulwark(t, t.TempDir(), "policy", "test", "--config", cfg, writeFile(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n"))
	if r.code != 1 || !strings.Contains(r.stderr, "k8s.imageNotScanned") || !strings.Contains(r.stderr, "imageHealth") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}
