package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/bulwarksec/bulwark/internal/sbom"
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
// PostgreSQL: a scan pushed through the registry, then the re-match of
// many distinct stored SBOMs that a real `bulwark db import` starts, are
// drained by both replicas together, each job run once.
// BULWARK_BENCH_REMATCH=10000 scales the re-match up for the benchmark.
func TestReplicasShareOneQueue(t *testing.T) {
	vd := testbed.Vulndata(t)
	alp := testbed.AlpineTarballs(t)
	dsn := testbed.Postgres(t)
	n := 300
	if v, err := strconv.Atoi(os.Getenv("BULWARK_BENCH_REMATCH")); err == nil && v > 0 {
		n = v
	}
	// Go and Alpine data first; PyPI's arrives later, as the update.
	dbDir := filepath.Join(t.TempDir(), "db")
	if _, stderr, code := runBulwark(t, "db", "import", "-q", "--db-dir", dbDir,
		filepath.Join(vd, "Go", "all.zip"), filepath.Join(vd, "alpine", "v3.10")); code != 0 {
		t.Fatalf("db import: %s", stderr)
	}
	key := make([]byte, 32)
	rand.Read(key)
	t.Setenv("BULWARK_SECRET_KEY", base64.StdEncoding.EncodeToString(key)) // replicas share the sealing key
	common := []string{"--database", dsn, "--db-dir", dbDir, "--workers", "2", "--offline"}
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

	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// The generated images live in a registry of their own that is never
	// synced: a sync of the real one (its first attempt failed, the retry
	// comes later) marks the images its catalog lacks as deleted.
	gen := &store.Registry{Name: "generated", URL: "http://generated.invalid", Host: "generated.invalid"}
	if err := st.CreateRegistry(ctx, gen); err != nil {
		t.Fatal(err)
	}
	ids := seedSBOMs(t, st, gen.ID, loadPackagePool(t, vd, alp).sboms(n))
	listingLatency(t, a, b, n+1)

	// The update: a real import of PyPI's advisories into the database
	// both replicas read; they notice it and re-match every stored SBOM.
	beforeA, beforeB := metric(t, a, "bulwark_images_evaluated_total"), metric(t, b, "bulwark_images_evaluated_total")
	start := time.Now()
	if _, stderr, code := runBulwark(t, "db", "import", "-q", "--db-dir", dbDir, filepath.Join(vd, "PyPI", "all.zip")); code != 0 {
		t.Fatalf("db import: %s", stderr)
	}
	imported := time.Since(start)
	// Done when every stored SBOM has been evaluated once. (The queue
	// itself may still hold other jobs, such as a registry sync waiting
	// for its retry.)
	evaluated := func() (float64, float64) {
		return metric(t, a, "bulwark_images_evaluated_total") - beforeA, metric(t, b, "bulwark_images_evaluated_total") - beforeB
	}
	var ea, eb float64
	var queued time.Duration
	waitFor(t, "the re-match to finish", 30*time.Minute, func() bool {
		ea, eb = evaluated()
		if queued == 0 && ea+eb > 0 {
			queued = time.Since(start)
		}
		return ea+eb >= float64(n+1)
	})
	took := time.Since(start)
	t.Logf("db import of PyPI's advisories in %s, first re-match done %s after it began; %d distinct stored SBOMs re-matched %s after it began (%.0f/s) on two replicas: %0.f by one, %0.f by the other",
		imported.Round(time.Millisecond), queued.Round(time.Millisecond), n+1, took.Round(time.Millisecond),
		float64(n+1)/took.Seconds(), ea, eb)
	time.Sleep(3 * time.Second) // long enough for a job run twice to show
	ea, eb = evaluated()
	if done := ea + eb; int(done) != n+1 {
		t.Errorf("%v evaluations for %d re-match jobs: a job ran twice or not at all", done, n+1)
	}
	if ea == 0 || eb == 0 {
		t.Errorf("one replica did all the work (%v, %v)", ea, eb)
	}
	if q, _ := st.QueueStats(ctx); q.Dead != 0 {
		t.Errorf("dead jobs: %+v", q)
	}
	checkPyPIFindings(t, st, ids)
}

// seedSBOMs stores each SBOM as a scanned image of the registry (as after
// a registry sync), in the form the server keeps (zstd-compressed JSON),
// and returns the images' IDs.
func seedSBOMs(t *testing.T, st *store.Store, registryID int64, sboms []*sbom.SBOM) []int64 {
	t.Helper()
	ctx := context.Background()
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ids := make([]int64, len(sboms))
	for i, sb := range sboms {
		js, err := json.Marshal(sb)
		if err != nil {
			t.Fatal(err)
		}
		id, _, err := st.UpsertImage(ctx, registryID, "rep/generated", fmt.Sprintf("sha256:%064x", i), "v"+strconv.Itoa(i), time.Now(), true)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SaveScan(ctx, store.ScanResult{ImageID: id, ScannedAt: time.Now(), OS: sb.Distro.PrettyName,
			Packages: len(sb.Packages), SBOM: enc.EncodeAll(js, nil), Report: []byte("{}")}, 0); err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	t.Logf("seeded %d images with distinct stored SBOMs in %s", len(sboms), time.Since(start).Round(time.Millisecond))
	return ids
}

// listingLatency checks the p99 of listing pages of 50 images through the
// API, filtered and not, back to back (only ingest tokens are
// rate-limited).
func listingLatency(t *testing.T, a, b *bulwarkServer, total int) {
	t.Helper()
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
	t.Logf("listing %d images through the API: p50 %s, p99 %s", total, lat[len(lat)/2].Round(time.Microsecond), p99.Round(time.Microsecond))
	if p99 > 100*time.Millisecond {
		t.Errorf("API listing p99 %s, want under 100 ms", p99)
	}
}

// checkPyPIFindings: the generated SBOMs hold PyPI projects at versions
// the advisories name, most of them affected, so after the update most
// images have PyPI findings, which only the re-match can have made.
func checkPyPIFindings(t *testing.T, st *store.Store, ids []int64) {
	t.Helper()
	sample := ids[:min(len(ids), 50)]
	with := 0
	for _, id := range sample {
		vs, err := st.ImageVulnerabilities(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(vs, func(v store.Vulnerability) bool { return v.PkgType == "pypi" }) {
			with++
		}
	}
	t.Logf("%d of %d sampled images have PyPI findings after the update", with, len(sample))
	if with < len(sample)/2 {
		t.Errorf("only %d of %d sampled images have PyPI findings after the update: the re-match did not use the new data", with, len(sample))
	}
}
