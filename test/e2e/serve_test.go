package e2e

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// freePort picks a free loopback port.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// bulwarkServer is a running `bulwark serve` process.
type bulwarkServer struct {
	cmd   *exec.Cmd
	url   string
	token string
	log   *bytes.Buffer
	args  []string
}

// startServe starts `bulwark serve` with its own data directory (dataDir
// may be reused across restarts) and waits until it answers.
func startServe(t *testing.T, dataDir string, port int, extra ...string) *bulwarkServer {
	t.Helper()
	tokenFile := filepath.Join(dataDir, "first-token")
	args := append([]string{"serve", "--data-dir", dataDir, "--listen", fmt.Sprintf("127.0.0.1:%d", port),
		"--initial-token-file", tokenFile, "--check-interval", "1s", "--offline"}, extra...)
	s := &bulwarkServer{url: fmt.Sprintf("http://127.0.0.1:%d", port), log: &bytes.Buffer{}, args: args}
	s.start(t)
	b, err := os.ReadFile(tokenFile)
	if err != nil {
		t.Fatalf("no first token: %v\n%s", err, s.log)
	}
	s.token = strings.TrimSpace(string(b))
	return s
}

func (s *bulwarkServer) start(t *testing.T) {
	t.Helper()
	s.cmd = exec.Command(bulwark(t), s.args...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Signal(syscall.SIGTERM)
			s.cmd.Wait()
		}
		if strings.Contains(s.log.String(), "DATA RACE") {
			t.Errorf("the server reported a data race:\n%s", s.log)
		}
		if s.token != "" && strings.Contains(s.log.String(), s.token) {
			t.Error("the server logged its first admin token although --initial-token-file was given")
		}
		if t.Failed() {
			t.Logf("server log:\n%s", lastLines(s.log.String(), 60))
		}
	})
	for i := 0; i < 200; i++ {
		if resp, err := http.Get(s.url + "/healthz"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server did not start:\n%s", s.log)
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// api calls the server with a token and decodes the JSON answer into out
// (when not nil); it returns the status.
func (s *bulwarkServer) api(t *testing.T, token, method, path string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.url+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d, not JSON: %s", method, path, resp.StatusCode, b)
		}
	}
	return resp.StatusCode
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// appImage builds an image with known vulnerable packages: Alpine 3.10.3
// plus a layer with a requirements.txt and a Go binary built against
// vulnerable modules.
func appImage(t *testing.T, tag string) (string, func(ref string)) {
	t.Helper()
	img := appV1Image(t, tag)
	d, _ := img.Digest()
	push := func(ref string) {
		t.Helper()
		r, err := name.ParseReference(ref, name.Insecure)
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.Write(r, img); err != nil {
			t.Fatalf("push %s: %v", ref, err)
		}
	}
	return d.String(), push
}

// writeAppArchive writes the app image as a docker-archive.
func writeAppArchive(t *testing.T, path string) {
	t.Helper()
	ref, _ := name.NewTag("bulwark/app:test")
	if err := tarball.WriteToFile(path, ref, appV1Image(t, "# archive")); err != nil {
		t.Fatal(err)
	}
}

// appV1Image builds the app image; tag makes its digest differ.
func appV1Image(t *testing.T, tag string) v1.Image {
	t.Helper()
	base, err := tarball.LayerFromFile(filepath.Join(testbed.AlpineTarballs(t), "alpine-minirootfs-3.10.3-x86_64.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(goVulnBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range []struct {
		name string
		mode int64
		body []byte
	}{
		{"app/requirements.txt", 0o644, []byte("django==3.2.0\nrequests==2.19.0\nurllib3==1.24.1\n" + tag + "\n")},
		{"app/server", 0o755, bin},
	} {
		tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.body)), ModTime: time.Unix(0, 0)})
		tw.Write(f.body)
	}
	tw.Close()
	layer := buf.Bytes()
	app, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(layer)), nil })
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, base, app)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

type imageList struct {
	Items []struct {
		ID         int64          `json:"id"`
		Repository string         `json:"repository"`
		Digest     string         `json:"digest"`
		Scanned    bool           `json:"scanned"`
		Healthy    bool           `json:"healthy"`
		Counts     map[string]int `json:"counts"`
		PulledAt   *time.Time     `json:"pulledAt"`
		Tags       []string       `json:"tags"`
	} `json:"items"`
	Total int `json:"total"`
}

// TestServePushToDashboard is the newcomer's path: start `bulwark serve`,
// connect the loopback registry, push images (with the registry client of
// go-containerregistry, as crane does, and with docker push), and see them
// scanned in the API and the dashboard.
func TestServePushToDashboard(t *testing.T) {
	vd := testbed.Vulndata(t)
	testbed.Heavy(t)
	data := t.TempDir()
	// Vulnerability data for the server: Go and PyPI records, Alpine's secdb.
	if _, stderr, code := runBulwark(t, "db", "import", "-q", "--db-dir", filepath.Join(data, "db"),
		filepath.Join(vd, "Go", "all.zip"), filepath.Join(vd, "PyPI", "all.zip"), filepath.Join(vd, "alpine", "v3.10")); code != 0 {
		t.Fatalf("db import: %s", stderr)
	}
	port := freePort(t)
	srv := startServe(t, data, port)
	admin := srv.token

	// A reader token for checks; the registry notifies with an ingest
	// token bound to it.
	var reader struct{ Token string }
	if c := srv.api(t, admin, "POST", "/api/v1/tokens", map[string]string{"name": "viewer", "role": "reader"}, &reader); c != 201 {
		t.Fatalf("create reader token: %d", c)
	}
	reg, ingest := notifyingRegistry(t, srv, srv, "loopback")

	digest, push := appImage(t, "# one")
	push(reg + "/shop/api:1.0")

	var list imageList
	waitFor(t, "the pushed image to be scanned", 3*time.Minute, func() bool {
		srv.api(t, reader.Token, "GET", "/api/v1/images", nil, &list)
		for _, it := range list.Items {
			if it.Digest == digest && it.Scanned {
				return true
			}
		}
		return false
	})
	var img = list.Items[0]
	for _, it := range list.Items {
		if it.Digest == digest {
			img = it
		}
	}
	wait, waits := metric(t, srv, `bulwark_queue_wait_seconds_sum{kind="scan"}`), metric(t, srv, `bulwark_queue_wait_seconds_count{kind="scan"}`)
	if waits > 0 {
		t.Logf("notification to scan start: %.1f ms on average over %v scans", 1000*wait/waits, waits)
	}
	if img.Healthy || img.Counts["high"]+img.Counts["critical"] == 0 || img.Repository != "shop/api" {
		t.Fatalf("scanned image = %+v: django 3.2.0 and the Go binary have fixed high findings", img)
	}
	var detail struct {
		Report struct {
			Findings []map[string]any `json:"findings"`
			Verdict  struct{ Healthy bool }
		} `json:"report"`
		Packages []map[string]any `json:"packages"`
	}
	srv.api(t, reader.Token, "GET", fmt.Sprintf("/api/v1/images/%d", img.ID), nil, &detail)
	if len(detail.Report.Findings) == 0 || len(detail.Packages) < 14 {
		t.Fatalf("image detail: %d findings, %d packages", len(detail.Report.Findings), len(detail.Packages))
	}

	// A pull is recorded from the registry's pull notification.
	r, _ := name.ParseReference(reg+"/shop/api:1.0", name.Insecure)
	if _, err := remote.Image(r); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the pull to be recorded", time.Minute, func() bool {
		srv.api(t, reader.Token, "GET", "/api/v1/images", nil, &list)
		for _, it := range list.Items {
			if it.Digest == digest && it.PulledAt != nil {
				return true
			}
		}
		return false
	})

	// The recommendation lists the image to fix.
	var rec struct {
		Recommendation struct{ Unhealthy int } `json:"recommendation"`
		Resources      []struct {
			ImageID  int64            `json:"imageId"`
			Findings []map[string]any `json:"findings"`
		} `json:"resources"`
	}
	srv.api(t, reader.Token, "GET", "/api/v1/recommendations/image-vulnerabilities", nil, &rec)
	if rec.Recommendation.Unhealthy != 1 || len(rec.Resources) != 1 || len(rec.Resources[0].Findings) == 0 {
		t.Fatalf("recommendation = %+v", rec)
	}

	// Access control and bad input.
	if c := srv.api(t, "", "GET", "/api/v1/images", nil, nil); c != 401 {
		t.Errorf("no token: %d, want 401", c)
	}
	if c := srv.api(t, reader.Token, "POST", "/api/v1/registries", map[string]any{"url": "http://127.0.0.1:1"}, nil); c != 403 {
		t.Errorf("reader token writing: %d, want 403", c)
	}
	if c := srv.api(t, ingest, "GET", "/api/v1/images", nil, nil); c != 403 {
		t.Errorf("ingest token reading: %d, want 403", c)
	}
	var e struct{ Error string }
	if c := srv.api(t, admin, "POST", "/api/v1/registries", map[string]any{"url": "ftp://x", "bogus": 1}, &e); c != 400 || e.Error == "" {
		t.Errorf("bad payload: %d %q, want 400 with a message", c, e.Error)
	}
	if c := srv.api(t, admin, "GET", "/api/v1/images/999999", nil, nil); c != 404 {
		t.Errorf("missing image: %d, want 404", c)
	}

	// The dashboard shows it, in a real browser.
	browse(t, srv, img.ID)

	// New vulnerability data re-matches stored SBOMs without pulling again:
	// a finding rule disabling every high and lower finding leaves only
	// the critical ones.
	before := img.Counts
	var fr struct{ ID int64 }
	if c := srv.api(t, admin, "POST", "/api/v1/finding-rules", map[string]string{"maxSeverity": "high", "reason": "test"}, &fr); c != 201 {
		t.Fatalf("finding rule: %d", c)
	}
	waitFor(t, "the re-match after the finding rule", time.Minute, func() bool {
		srv.api(t, reader.Token, "GET", "/api/v1/images", nil, &list)
		for _, it := range list.Items {
			if it.Digest == digest && it.Counts["high"] == 0 && it.Counts["medium"] == 0 {
				return it.Counts["critical"] == before["critical"]
			}
		}
		return false
	})

	// Removing the rule makes the image, healthy under it, unhealthy again
	// on the next evaluation: an alert is raised.
	if before["critical"] == 0 {
		if c := srv.api(t, admin, "DELETE", fmt.Sprintf("/api/v1/finding-rules/%d", fr.ID), nil, nil); c != 204 {
			t.Fatalf("delete finding rule: %d", c)
		}
		var alerts struct {
			Items []struct{ Type string } `json:"items"`
		}
		waitFor(t, "the image-unhealthy alert", time.Minute, func() bool {
			srv.api(t, reader.Token, "GET", "/api/v1/alerts?status=active&type=IMAGE_Unhealthy", nil, &alerts)
			return len(alerts.Items) == 1
		})
		t.Log("image became unhealthy again: alert raised")
	} else {
		t.Logf("image has %d critical findings: the unhealthy-again path is not reached", before["critical"])
	}
}

// TestServeKillResume kills the server with SIGKILL while it scans: after
// a restart every image whose notification was acknowledged is there and
// gets scanned, and no result is half-written (each image's stored
// findings agree with its counts).
func TestServeKillResume(t *testing.T) {
	vd := testbed.Vulndata(t)
	testbed.Heavy(t)
	data := t.TempDir()
	if _, stderr, code := runBulwark(t, "db", "import", "-q", "--db-dir", filepath.Join(data, "db"),
		filepath.Join(vd, "Go", "all.zip"), filepath.Join(vd, "PyPI", "all.zip")); code != 0 {
		t.Fatalf("db import: %s", stderr)
	}
	port := freePort(t)
	srv := startServe(t, data, port, "--workers", "1")
	reg, _ := notifyingRegistry(t, srv, srv, "")
	const n = 6
	want := map[string]bool{}
	var pushes []func(string)
	for i := 0; i < n; i++ {
		d, push := appImage(t, fmt.Sprintf("# image %d", i))
		pushes = append(pushes, push)
		want[d] = true
	}
	for i, push := range pushes {
		push(fmt.Sprintf("%s/kill/app:%d", reg, i))
	}
	// Kill at once, while notifications are still arriving and scans are
	// queued or running: the registry redelivers what was not acknowledged,
	// and what was acknowledged is in the store.
	var list imageList
	srv.api(t, srv.token, "GET", "/api/v1/images", nil, &list)
	done := 0
	for _, it := range list.Items {
		if it.Scanned {
			done++
		}
	}
	t.Logf("killing the server with %d of %d images stored, %d scanned", list.Total, n, done)
	srv.cmd.Process.Signal(syscall.SIGKILL)
	srv.cmd.Wait()

	srv.start(t)
	waitFor(t, "every image to be scanned after the restart", 4*time.Minute, func() bool {
		srv.api(t, srv.token, "GET", "/api/v1/images", nil, &list)
		scanned := 0
		for _, it := range list.Items {
			if want[it.Digest] && it.Scanned {
				scanned++
			}
		}
		return scanned == n
	})
	for _, it := range list.Items {
		var d struct {
			Report struct {
				Findings []map[string]any `json:"findings"`
			} `json:"report"`
		}
		srv.api(t, srv.token, "GET", fmt.Sprintf("/api/v1/images/%d", it.ID), nil, &d)
		sum := 0
		for _, c := range it.Counts {
			sum += c
		}
		if sum != len(d.Report.Findings) || sum == 0 {
			t.Errorf("image %s: counts %v but %d findings in its report", it.Digest, it.Counts, len(d.Report.Findings))
		}
	}
}

// TestServeRematchOnDataUpdate: when new vulnerability data arrives (here
// `bulwark db import` into the server's database directory), every stored
// SBOM is matched again, without pulling the image again.
func TestServeRematchOnDataUpdate(t *testing.T) {
	vd := testbed.Vulndata(t)
	testbed.Heavy(t)
	data := t.TempDir()
	dbDir := filepath.Join(data, "db")
	if _, stderr, code := runBulwark(t, "db", "import", "-q", "--db-dir", dbDir, filepath.Join(vd, "Go", "all.zip")); code != 0 {
		t.Fatalf("db import: %s", stderr)
	}
	srv := startServe(t, data, freePort(t))
	reg, _ := notifyingRegistry(t, srv, srv, "")
	_, push := appImage(t, "# data update")
	push(reg + "/shop/data:1")
	var list imageList
	waitFor(t, "the first scan", 3*time.Minute, func() bool {
		srv.api(t, srv.token, "GET", "/api/v1/images", nil, &list)
		return list.Total == 1 && list.Items[0].Scanned
	})
	id := list.Items[0].ID
	total := func() (int, bool) {
		var d struct {
			Report struct {
				Findings []struct {
					Vulnerability struct {
						Package struct{ Ecosystem string } `json:"package"`
					} `json:"vulnerability"`
				} `json:"findings"`
			} `json:"report"`
		}
		srv.api(t, srv.token, "GET", fmt.Sprintf("/api/v1/images/%d", id), nil, &d)
		pypi := false
		for _, f := range d.Report.Findings {
			pypi = pypi || f.Vulnerability.Package.Ecosystem == "PyPI"
		}
		return len(d.Report.Findings), pypi
	}
	n0, pypi := total()
	if n0 == 0 || pypi {
		t.Fatalf("with Go data only: %d findings, PyPI ones %v", n0, pypi)
	}
	scansBefore := metric(t, srv, `bulwark_jobs_total{kind="scan",outcome="done"}`)
	if _, stderr, code := runBulwark(t, "db", "import", "-q", "--db-dir", dbDir, filepath.Join(vd, "PyPI", "all.zip")); code != 0 {
		t.Fatalf("db import: %s", stderr)
	}
	waitFor(t, "the re-match with the new data", time.Minute, func() bool {
		n, pypi := total()
		return pypi && n > n0
	})
	if scans := metric(t, srv, `bulwark_jobs_total{kind="scan",outcome="done"}`); scans != scansBefore {
		t.Errorf("the image was scanned (downloaded) again: %v scans, were %v", scans, scansBefore)
	}
	srv.api(t, srv.token, "GET", "/api/v1/images", nil, &list)
	if list.Items[0].PulledAt != nil {
		t.Errorf("Bulwark's own pulls were counted as a use of the image: pulledAt %v", list.Items[0].PulledAt)
	}
}

// notifyingRegistry connects a new loopback registry to Bulwark through
// admin (named name, or by its host when ""), makes an ingest token bound
// to it, and starts the registry with its notifications going to notify
// with that token. It returns the registry's host:port and the token.
func notifyingRegistry(t *testing.T, admin, notify *bulwarkServer, name string) (reg, ingest string) {
	t.Helper()
	port := freePort(t)
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	var created struct{ ID int64 }
	if c := admin.api(t, admin.token, "POST", "/api/v1/registries", map[string]any{"name": name, "url": url}, &created); c != 201 {
		t.Fatalf("connect registry %s: %d", url, c)
	}
	var tok struct{ Token string }
	if c := admin.api(t, admin.token, "POST", "/api/v1/tokens", map[string]any{"name": fmt.Sprintf("registry-%d", created.ID),
		"role": "ingest", "registry": created.ID}, &tok); c != 201 {
		t.Fatalf("create ingest token: %d", c)
	}
	reg = testbed.NotifyingRegistry(t, port, notify.url+"/api/v1/events/distribution?token="+tok.Token)
	admin.api(t, admin.token, "POST", fmt.Sprintf("/api/v1/registries/%d/sync", created.ID), nil, nil)
	return reg, tok.Token
}
