package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

var (
	bulwarkOnce sync.Once
	bulwarkBin  string
	bulwarkErr  error
)

// bulwark builds the binary once per test run.
func bulwark(t *testing.T) string {
	t.Helper()
	bulwarkOnce.Do(func() {
		dir, err := os.MkdirTemp("", "bulwark-e2e-*")
		if err != nil {
			bulwarkErr = err
			return
		}
		bulwarkBin = filepath.Join(dir, "bulwark")
		args := []string{"build", "-o", bulwarkBin}
		if os.Getenv("BULWARK_E2E_RACE") != "" {
			args = append(args, "-race") // the binary's own data races fail its runs
		}
		out, err := exec.Command("go", append(args, "../../cmd/bulwark")...).CombinedOutput()
		if err != nil {
			bulwarkErr = errors.New(string(out))
		}
	})
	if bulwarkErr != nil {
		t.Fatalf("build bulwark: %v", bulwarkErr)
	}
	return bulwarkBin
}

// runBulwark runs the binary and returns stdout, stderr and the exit code.
func runBulwark(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bulwark(t), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// TestImageCommand runs `bulwark db import` and `bulwark image` as a user
// would: formats, CI flags, ignore files and VEX, and clear errors.
func TestImageCommand(t *testing.T) {
	vd := testbed.Vulndata(t)
	testbed.Heavy(t)
	db := t.TempDir()
	if _, stderr, code := runBulwark(t, "db", "import", "--db-dir", db, filepath.Join(vd, "PyPI", "all.zip"), filepath.Join(vd, "Go", "all.zip")); code != 0 {
		t.Fatalf("db import: exit %d: %s", code, stderr)
	}
	status, _, code := runBulwark(t, "db", "status", "--db-dir", db, "-f", "json")
	var meta struct {
		Advisories map[string]int `json:"advisories"`
	}
	if code != 0 || json.Unmarshal([]byte(status), &meta) != nil || meta.Advisories["PyPI"] == 0 || meta.Advisories["Go"] == 0 {
		t.Fatalf("db status: exit %d: %s", code, status)
	}

	app := t.TempDir()
	os.WriteFile(filepath.Join(app, "requirements.txt"), []byte("requests==2.19.0\nurllib3==1.24.1\ndjango==3.2.0\n"), 0o644)
	target := "dir:" + app
	scan := func(extra ...string) (map[string]any, int) {
		t.Helper()
		out, stderr, code := runBulwark(t, append([]string{"image", target, "--db-dir", db, "-f", "json"}, extra...)...)
		var r map[string]any
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("image %v: exit %d, not JSON: %v\n%s", extra, code, err, stderr)
		}
		return r, code
	}
	ids := func(r map[string]any) []string {
		var out []string
		fs, _ := r["findings"].([]any)
		for _, f := range fs {
			out = append(out, f.(map[string]any)["ruleID"].(string))
		}
		return out
	}

	all, code := scan()
	if code != 0 || len(ids(all)) < 10 {
		t.Fatalf("plain scan: exit %d, %d findings", code, len(ids(all)))
	}
	if v := all["verdict"].(map[string]any); v["healthy"] != false {
		t.Errorf("verdict %v: django 3.2.0 has fixed high/critical findings", v)
	}
	if _, code := scan("--fail-on", "high"); code != 1 {
		t.Errorf("--fail-on high: exit %d, want 1", code)
	}
	if _, code := scan("--exit-code", "7"); code != 7 {
		t.Errorf("--exit-code 7: exit %d", code)
	}
	high, _ := scan("--severity", "high,critical", "--ignore-unfixed")
	for _, f := range high["findings"].([]any) {
		m := f.(map[string]any)
		sev, fix := m["severity"], m["vulnerability"].(map[string]any)["fix"]
		if (sev != "high" && sev != "critical") || fix != "fixed" {
			t.Errorf("--severity high,critical --ignore-unfixed kept %s (%v, %v)", m["ruleID"], sev, fix)
		}
	}

	// Ignore rules: an active one suppresses, an expired one is reported.
	first := ids(all)[0]
	second := ids(all)[1]
	ignore := filepath.Join(t.TempDir(), "ignore.yaml")
	os.WriteFile(ignore, []byte("ignore:\n  - id: "+first+"\n    reason: accepted risk\n    expires: 2999-01-01\n  - id: "+second+"\n    expires: 2001-01-01\n"), 0o644)
	ig, _ := scan("--ignore-file", ignore)
	if got := ids(ig); slices.Contains(got, first) || !slices.Contains(got, second) {
		t.Errorf("ignore file: active rule not applied or expired rule applied: %v", got)
	}
	if exp, _ := ig["expiredIgnores"].([]any); len(exp) != 1 {
		t.Errorf("expired ignore rules reported: %v", ig["expiredIgnores"])
	}

	// OpenVEX: not_affected for one vulnerability in one package.
	vex := filepath.Join(t.TempDir(), "vex.json")
	os.WriteFile(vex, []byte(`{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"t","timestamp":"2026-01-01T00:00:00Z","version":1,
"statements":[{"vulnerability":{"name":"`+first+`"},"products":[{"@id":"pkg:pypi/requests"},{"@id":"pkg:pypi/urllib3"},{"@id":"pkg:pypi/django"}],"status":"not_affected","justification":"vulnerable_code_not_in_execute_path"}]}`), 0o644)
	vx, _ := scan("--vex", vex)
	if slices.Contains(ids(vx), first) {
		t.Errorf("VEX not_affected not applied to %s", first)
	}

	// Other formats.
	for _, f := range []string{"table", "sarif", "junit", "cyclonedx"} {
		out, stderr, code := runBulwark(t, "image", target, "--db-dir", db, "-f", f)
		if code != 0 || len(out) == 0 {
			t.Errorf("-f %s: exit %d: %s", f, code, stderr)
		}
		if f == "cyclonedx" {
			testbed.ValidateJSON(t, testbed.CycloneDXSchema(t), []byte(out))
		}
		if f == "table" && !strings.Contains(out, "remediation: upgrading") {
			t.Errorf("table has no remediation line:\n%s", out)
		}
	}

	// Errors say what failed, with the right exit code.
	if _, stderr, code := runBulwark(t, "image", target, "--db-dir", t.TempDir()); code != 1 || !strings.Contains(stderr, "no vulnerability database") {
		t.Errorf("missing database: exit %d, %q", code, stderr)
	}
	if _, stderr, code := runBulwark(t, "image", target, "--db-dir", db, "-f", "xml"); code != 2 || !strings.Contains(stderr, "xml") {
		t.Errorf("bad format: exit %d, %q", code, stderr)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte("not json"), 0o644)
	if _, stderr, code := runBulwark(t, "image", target, "--db-dir", db, "--vex", bad); code != 1 || !strings.Contains(stderr, bad) {
		t.Errorf("bad VEX file: exit %d, %q", code, stderr)
	}
}
