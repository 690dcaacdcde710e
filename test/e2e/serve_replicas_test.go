package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/store"
	"github.com/bulwarksec/bulwark/internal/testbed"
)

// metric reads one counter or gauge (summed over label sets) from a
// server's /metrics.
func metric(t *testing.T, s *bulwarkServer, name string) float64 {
	t.Helper()
	req, _ := http.NewRequest("GET", s.url+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sum := 0.0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name+" ") && !strings.HasPrefix(line, name+"{") &&
			!(strings.Contains(name, "{") && strings.HasPrefix(line, name)) {
			continue
		}
		f := strings.Fields(line)
		v, _ := strconv.ParseFloat(f[len(f)-1], 64)
		sum += v
	}
	return sum
}

// TestReplicasShareOneQueue runs two `bulwark serve` replicas on one
// PostgreSQL: a scan pushed through the registry, then a re-match of many
// stored SBOMs, are drained by both replicas together, each job run once.
// BULWARK_BENCH_REMATCH=10000 scales the re-match up for the benchmark.
func TestReplicasShareOneQueue(t *testing.T) {
	vd := testbed.Vulndata(t)
	dsn := testbed.Postgres(t)
	n := 300
	if v, err := strconv.Atoi(os.Getenv("BULWARK_BENCH_REMATCH")); err == nil && v > 0 {
		n = v
	}
	shared := t.TempDir()
	if _, stderr, code := runBulwark(t, "db", "import", "-q", "--db-dir", filepath.Join(shared, "db"),
		filepath.Join(vd, "Go", "all.zip"), filepath.Join(vd, "PyPI", "all.zip"), filepath.Join(vd, "alpine", "v3.10")); code != 0 {
		t.Fatalf("db import: %s", stderr)
	}
	key := make([]byte, 32)
	rand.Read(key)
	t.Setenv("BULWARK_SECRET_KEY", base64.StdEncoding.EncodeToString(key)) // replicas share the sealing key
	common := []string{"--database", dsn, "--db-dir", filepath.Join(shared, "db"), "--workers", "2", "--offline"}
	a := startServe(t, t.TempDir(), freePort(t), common...)
	b := &bulwarkServer{url: fmt.Sprintf("http://127.0.0.1:%d", freePort(t)), token: a.token, log: &bytes.Buffer{}}
	b.args = append([]string{"serve", "--data-dir", t.TempDir(), "--listen", strings.TrimPrefix(b.url, "http://"), "--check-interval", "1s"}, common...)
	b.start(t)

	// One real image, pushed through the registry, scanned by either.
	reg, _ := notifyingRegistry(t, a, b, "")
	digest, push := appImage(t, "# replicas")
	push(reg + "/rep/app:1")
	var list imageList
	waitFor(t, "the image to be scanned", 3*time.Minute, func() bool {
		a.api(t, a.token, "GET", "/api/v1/images", nil, &list)
		return len(list.Items) == 1 && list.Items[0].Scanned && list.Items[0].Digest == digest
	})

	// Many more images with the same stored SBOM (as after a registry
	// sync), then a re-match of all of them.
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src := list.Items[0]
	blob, err := st.ScanSBOM(ctx, src.ID)
	if err != nil {
		t.Fatal(err)
	}
	rep, _ := st.ScanReport(ctx, src.ID)
	img, _ := st.Image(ctx, src.ID)
	start := time.Now()
	for i := 0; i < n; i++ {
		id, _, err := st.UpsertImage(ctx, img.RegistryID, "rep/copy", fmt.Sprintf("sha256:%064x", i), "v"+strconv.Itoa(i), time.Now(), true)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SaveScan(ctx, store.ScanResult{ImageID: id, ScannedAt: time.Now(), OS: img.OS, Packages: img.Packages,
			Counts: img.Counts, Fixable: img.Fixable, SBOM: blob, Report: rep}, 0); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("seeded %d images with a stored SBOM in %s", n, time.Since(start).Round(time.Millisecond))

	// Listing through the API: p99 of a page of 50, filtered and not.
	var lat []time.Duration
	for i := 0; i < 200; i++ {
		q := []string{"/api/v1/images?limit=50", "/api/v1/images?health=unhealthy&limit=50&offset=100", "/api/v1/images?q=v1&limit=50"}[i%3]
		t0 := time.Now()
		if c := b.api(t, a.token, "GET", q, nil, nil); c != 200 {
			t.Fatalf("GET %s: %d", q, c)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	p99 := lat[len(lat)*99/100]
	t.Logf("listing %d images through the API: p50 %s, p99 %s", n+1, lat[len(lat)/2].Round(time.Microsecond), p99.Round(time.Microsecond))
	if p99 > 100*time.Millisecond {
		t.Errorf("API listing p99 %s, want under 100 ms", p99)
	}
	before := metric(t, a, "bulwark_images_evaluated_total") + metric(t, b, "bulwark_images_evaluated_total")
	start = time.Now()
	if c := a.api(t, a.token, "POST", "/api/v1/finding-rules", map[string]string{"vulnId": "GO-0000-0000", "reason": "trigger a re-match"}, nil); c != 201 {
		t.Fatalf("finding rule: %d", c)
	}
	waitFor(t, "the re-match to drain", 20*time.Minute, func() bool {
		q, err := st.QueueStats(ctx)
		return err == nil && q.Pending == 0 && q.Running == 0
	})
	took := time.Since(start)
	ea := metric(t, a, "bulwark_images_evaluated_total")
	eb := metric(t, b, "bulwark_images_evaluated_total")
	done := ea + eb - before
	t.Logf("re-matched %d stored SBOMs in %s (%.0f/s) on two replicas: %0.f by one, %0.f by the other",
		n+1, took.Round(time.Millisecond), float64(n+1)/took.Seconds(), ea, eb)
	if int(done) != n+1 {
		t.Errorf("%v evaluations for %d re-match jobs: a job ran twice or not at all", done, n+1)
	}
	if ea == 0 || eb == 0 {
		t.Errorf("one replica did all the work (%v, %v)", ea, eb)
	}
	if q, _ := st.QueueStats(ctx); q.Dead != 0 {
		t.Errorf("dead jobs: %+v", q)
	}
}
