package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/store"
	"github.com/bulwarksec/bulwark/internal/testbed"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// BenchmarkRematch is one re-match of a stored SBOM (the work repeated for
// every image when vulnerability data changes): decode, match, report,
// save. The SBOM is the benchmark image of test/bench/vulnvs (an Alpine
// base with Go, Python and npm packages).
func BenchmarkRematch(b *testing.B) {
	home, _ := os.UserHomeDir()
	imgPath := filepath.Join(home, ".cache", "bulwark-ci", "vulnvs-image.tar")
	if _, err := os.Stat(imgPath); err != nil {
		testbed.Unavailable(b, "vulnvs benchmark image", "run go run ./test/bench/vulnvs once to make it")
	}
	ctx := context.Background()
	dir := b.TempDir()
	vd := testbed.Vulndata(b)
	if _, err := vulndb.ImportFiles(ctx, filepath.Join(dir, "db"), []string{filepath.Join(vd, "Go", "all.zip"), filepath.Join(vd, "PyPI", "all.zip"), filepath.Join(vd, "npm", "all.zip")}); err != nil {
		b.Fatal(err)
	}
	t, _ := image.ParseTarget("docker-archive:" + imgPath)
	sb, err := sbom.FromTarget(ctx, t, sbom.TargetOptions{})
	if err != nil {
		b.Fatal(err)
	}
	blob, err := encodeSBOM(sb)
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(dir, "bulwark.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	sealer, _ := LoadSealer("", filepath.Join(dir, "key"), true)
	srv := New(Options{Store: st, Sealer: sealer, DBDir: filepath.Join(dir, "db")})
	reg := &store.Registry{Name: "r", URL: "http://127.0.0.1:1", Host: "127.0.0.1:1"}
	if err := st.CreateRegistry(ctx, reg); err != nil {
		b.Fatal(err)
	}
	id, _, err := st.UpsertImage(ctx, reg.ID, "app", "sha256:00", "", time.Now(), true)
	if err != nil {
		b.Fatal(err)
	}
	img, _ := st.Image(ctx, id)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sb2, err := decodeSBOM(blob)
		if err != nil {
			b.Fatal(err)
		}
		if err := srv.evaluate(ctx, 0, img, sb2, blob); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNotification is the registry notification hot path: an ingest
// token's request with one push and nine pulls of other repositories,
// authenticated, validated against the distribution grammar and stored
// (with the push's scan queued) before the answer.
func BenchmarkNotification(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "bulwark.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	srv := New(Options{Store: st, DBDir: filepath.Join(dir, "db"), ListenAddr: "127.0.0.1:1",
		Limits: Limits{TokenRate: 1e9, TokenBurst: 1 << 30, QueuedScans: 1 << 30}})
	reg := &store.Registry{Name: "r", URL: "http://127.0.0.1:5001", Host: "127.0.0.1:5001"}
	if err := st.CreateRegistry(ctx, reg); err != nil {
		b.Fatal(err)
	}
	token, err := CreateToken(ctx, st, &store.Token{Name: "ingest", Role: RoleIngest, RegistryID: reg.ID})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		var evs []string
		for j := 0; j < 10; j++ {
			action := map[bool]string{true: "push", false: "pull"}[j == 0]
			e := fmt.Sprintf(`{"id":"%d-%d","timestamp":%q,"action":%q,"target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%064x","repository":"bench/app%d","tag":"v1"},"request":{"host":"127.0.0.1:5001"}}`,
				i, j, time.Now().Format(time.RFC3339Nano), action, i*10+j, j)
			evs = append(evs, e)
		}
		req := httptest.NewRequest("POST", "/api/v1/events/distribution", strings.NewReader(`{"events":[`+strings.Join(evs, ",")+`]}`))
		req.Header.Set("Authorization", "Bearer "+token)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("notification: %d %s", w.Code, w.Body)
		}
	}
}
