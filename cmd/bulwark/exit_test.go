package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestExitCodes checks the README's promise: 0 done, 1 the work failed
// (or --fail-on found what it names), 2 a wrong command line.
func TestExitCodes(t *testing.T) {
	db := fixtureDB(t)
	app, err := filepath.Abs("testdata/app.cdx.json")
	if err != nil {
		t.Fatal(err)
	}
	scan := []string{"image", "sbom:" + app, "--db-dir", db, "-f", "json"}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"findings without --fail-on", scan, 0, ""},
		{"--fail-on a severity the findings reach", append(scan, "--fail-on", "critical"), 1, ""},
		{"--fail-on with --exit-code", append(scan, "--fail-on", "high", "--exit-code", "3"), 3, ""},
		{"--exit-code alone", append(scan, "--exit-code", "4"), 4, ""},
		{"--fail-on above a filtered list", append(scan, "--severity", "low", "--fail-on", "low"), 0, ""},
		{"unknown command", []string{"scan-everything"}, 2, `unknown command "scan-everything"`},
		{"unknown db command", []string{"db", "upgrade"}, 2, `unknown command "upgrade" for "bulwark db"`},
		{"unknown token command", []string{"token", "revoke"}, 2, `unknown command "revoke" for "bulwark token"`},
		{"malformed image reference", []string{"sbom", "BAD REF!!"}, 2, "not an image reference"},
		{"missing argument", []string{"image"}, 2, "accepts 1 arg(s), received 0"},
		{"too many arguments", []string{"sbom", "dir:a", "dir:b"}, 2, "accepts 1 arg(s), received 2"},
		{"db import without a path", []string{"db", "import"}, 2, "requires at least 1 arg(s)"},
		{"unknown flag", []string{"image", "--no-such-flag", "x"}, 2, "unknown flag: --no-such-flag"},
		{"unknown format", append(scan, "-f", "yaml"), 2, `unknown format "yaml"`},
		{"unknown --fail-on severity", append(scan, "--fail-on", "dire"), 2, "--fail-on"},
		{"target with nothing after its kind", []string{"image", "docker-archive:", "--db-dir", db}, 2, `nothing after "docker-archive:"`},
		{"input that does not exist", []string{"image", "sbom:/nonexistent/app.json", "--db-dir", db}, 1, "/nonexistent/app.json"},
		{"input that is not an SBOM", []string{"image", "sbom:" + filepath.Join(db, "vulndb.bolt"), "--db-dir", db}, 1, "vulndb.bolt"},
		{"database that does not exist", []string{"image", "sbom:" + app, "--db-dir", filepath.Join(t.TempDir(), "none")}, 1, "none"},
		{"import of a file that does not exist", []string{"db", "import", "--db-dir", t.TempDir(), "/nonexistent/all.zip"}, 1, "/nonexistent/all.zip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := bulwark(t, t.TempDir(), tc.args...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, tc.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("stderr %q does not name %q", r.stderr, tc.stderr)
			}
			if tc.code == 2 && !strings.HasPrefix(r.stderr, "bulwark: ") {
				t.Errorf("a usage error says what is wrong on stderr, got %q", r.stderr)
			}
		})
	}
}
