package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/report"
	"github.com/bulwarksec/bulwark/internal/store"
	"github.com/bulwarksec/bulwark/internal/testbed"
)

const gatedDigest = "sha256:7e57000000000000000000000000000000000000000000000000000000000001"

// seedScannedImage stores, before the server starts, one registry with
// one image scanned unhealthy (as the worker would have saved it), and
// returns the image's reference.
func seedScannedImage(t *testing.T, dataDir string) string {
	t.Helper()
	ctx := context.Background()
	if err := store.PrivateDir(dataDir); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(dataDir, "bulwark.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	host := fmt.Sprintf("127.0.0.1:%d", freePort(t)) // nothing listens: its sync fails, the image stays
	reg := &store.Registry{Name: "shop", URL: "http://" + host, Host: host}
	if err := st.CreateRegistry(ctx, reg); err != nil {
		t.Fatal(err)
	}
	id, _, err := st.UpsertImage(ctx, reg.ID, "shop/api", gatedDigest, "1.4", time.Now(), true)
	if err != nil {
		t.Fatal(err)
	}
	f := finding.Finding{RuleID: "GHSA-xvch-5gv4-984h", Kind: finding.KindVulnerability, Status: finding.StatusFail, Severity: finding.SeverityCritical,
		Vulnerability: &finding.Vulnerability{Package: finding.Package{Name: "minimist", Version: "1.2.5", Type: "npm"}, Installed: "1.2.5", Fixed: "1.2.6", Fix: "fixed"}}
	if err := st.SaveScan(ctx, store.ScanResult{ImageID: id, ScannedAt: time.Now(), Healthy: false, Packages: 1,
		Counts: store.Counts{Critical: 1}, Fixable: 1, Findings: []finding.Finding{f}}, 0); err != nil {
		t.Fatal(err)
	}
	return host + "/shop/api:1.4"
}

// TestPolicyGatesOnServeImageHealth: `bulwark policy test` asks a real
// `bulwark serve` about a manifest's image and fails it, naming the
// digest; with the server stopped, or answering nothing, the rule is an
// error (the command exits non-zero with --fail-on) within the
// configured timeout, never a hang.
func TestPolicyGatesOnServeImageHealth(t *testing.T) {
	testbed.Heavy(t)
	data := t.TempDir()
	ref := seedScannedImage(t, data)
	srv := startServe(t, data, freePort(t))
	var reader struct{ Token string }
	if c := srv.api(t, srv.token, "POST", "/api/v1/tokens", map[string]string{"name": "admission", "role": "reader"}, &reader); c != 201 {
		t.Fatalf("create reader token: %d", c)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "reader-token"), []byte(reader.Token+"\n"), 0o600)
	manifest := filepath.Join(dir, "app.yaml")
	os.WriteFile(manifest, []byte(`apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - {name: api, image: "`+ref+`"}
`), 0o600)
	config := func(server string) string {
		p := filepath.Join(dir, "policy.yaml")
		os.WriteFile(p, []byte("imageHealth:\n  server: "+server+"\n  tokenFile: reader-token\n  timeout: 1s\n"+
			"rules:\n  k8s.imageUnhealthy: {effect: deny}\n"), 0o600)
		return p
	}
	gate := func(server string) (finding.Finding, int, time.Duration) {
		t.Helper()
		start := time.Now()
		out, stderr, code := runBulwark(t, "policy", "test", "-f", "json", "--fail-on", "high", "--config", config(server), manifest)
		took := time.Since(start)
		var run report.Run
		if err := json.Unmarshal([]byte(out), &run); err != nil {
			t.Fatalf("policy test: exit %d, not JSON: %s %s", code, out, stderr)
		}
		for _, f := range run.Findings {
			if f.RuleID == "k8s.imageUnhealthy" {
				return f, code, took
			}
		}
		t.Fatalf("no k8s.imageUnhealthy finding: %s", out)
		return finding.Finding{}, 0, 0
	}

	f, code, _ := gate(srv.url)
	if f.Status != finding.StatusFail || code != 1 || !strings.Contains(f.Evidence["message"], gatedDigest) ||
		!strings.Contains(f.Evidence["message"], "1 critical") || f.Location.JSONPath != "spec.template.spec.containers[0].image" {
		t.Fatalf("with the server up: %s exit %d %+v", f.Status, code, f)
	}

	// A server that accepts connections and never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	srv.cmd.Process.Signal(syscall.SIGTERM)
	srv.cmd.Wait()
	for name, server := range map[string]string{"stopped": srv.url, "silent": "http://" + ln.Addr().String()} {
		f, code, took := gate(server)
		if f.Status != finding.StatusError || code != 1 || !strings.Contains(f.Evidence["error"], "image-health server") {
			t.Errorf("%s server: %s exit %d %v", name, f.Status, code, f.Evidence)
		}
		if took > 5*time.Second {
			t.Errorf("%s server: the check took %v with a 1s timeout", name, took)
		}
		t.Logf("%s server: status %s in %v: %s", name, f.Status, took.Round(time.Millisecond), f.Evidence["error"])
	}
}
