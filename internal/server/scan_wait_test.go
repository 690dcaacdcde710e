package server

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/crane"

	"github.com/bulwarksec/bulwark/internal/store"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// countingRegistry is an in-memory registry that counts manifest GETs:
// one per image pull.
func countingRegistry(t *testing.T) (host string, pulls *atomic.Int64) {
	t.Helper()
	pulls = &atomic.Int64{}
	host = memRegistry(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/manifests/") {
				pulls.Add(1)
			}
			next.ServeHTTP(w, r)
		})
	})
	return host, pulls
}

// pushNPMImage pushes an image holding one installed npm package.
func pushNPMImage(t *testing.T, host string) string {
	t.Helper()
	img, err := crane.Image(map[string][]byte{
		"app/node_modules/left-pad/package.json": []byte(`{"name":"left-pad","version":"0.9.0"}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	ref := host + "/app:1"
	if err := crane.Push(img, ref, crane.Insecure); err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

// importAdvisory writes a database holding one npm advisory.
func importAdvisory(t *testing.T, dbDir string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "GHSA-test.json")
	osv := `{"id":"GHSA-test-0000-0000","modified":"2026-01-01T00:00:00Z","summary":"test advisory","affected":[{"package":{"ecosystem":"npm","name":"left-pad"},
		"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]}]}]}`
	if err := os.WriteFile(p, []byte(osv), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := vulndb.ImportFiles(context.Background(), dbDir, []string{p}); err != nil {
		t.Fatal(err)
	}
}

// TestScanWithoutDataPullsOnce: a scan that finds no vulnerability data
// keeps the SBOM it catalogued; its retries, and the attempt once data
// arrives, match that SBOM without pulling the image again.
func TestScanWithoutDataPullsOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	host, pulls := countingRegistry(t)
	digest := pushNPMImage(t, host)
	reg := &store.Registry{Name: "mem", URL: "http://" + host, Host: host, Insecure: true}
	if err := f.st.CreateRegistry(ctx, reg); err != nil {
		t.Fatal(err)
	}
	id, _, err := f.st.UpsertImage(ctx, reg.ID, "app", digest, "1", time.Now(), true)
	if err != nil {
		t.Fatal(err)
	}
	job := &store.Job{Kind: jobScan, ImageID: id}
	pulls.Store(0)
	for range 3 {
		if err := f.srv.runJob(ctx, job); !errors.Is(err, vulndb.ErrNoDatabase) {
			t.Fatalf("scan without data: %v, want ErrNoDatabase", err)
		}
	}
	if n := pulls.Load(); n != 1 {
		t.Errorf("three attempts without data pulled %d times, want 1", n)
	}
	importAdvisory(t, f.srv.opts.DBDir)
	if err := f.srv.runJob(ctx, job); err != nil {
		t.Fatalf("scan once data arrived: %v", err)
	}
	if n := pulls.Load(); n != 1 {
		t.Errorf("scan once data arrived pulled again (%d pulls in all)", n)
	}
	vs, err := f.st.ImageVulnerabilities(ctx, id)
	if err != nil || len(vs) != 1 || vs[0].VulnID != "GHSA-test-0000-0000" {
		t.Fatalf("vulnerabilities after data arrived: %+v, %v", vs, err)
	}
	fs, err := f.st.ImageFindings(ctx, id)
	if err != nil || len(fs) != 1 || fs[0].RuleID != "GHSA-test-0000-0000" || fs[0].Vulnerability.Package.Name != "left-pad" {
		t.Fatalf("findings after data arrived: %+v, %v", fs, err)
	}
}
