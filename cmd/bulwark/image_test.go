package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// TestImageTableGolden compares `bulwark image`'s table with
// testdata/image.golden (go test -update rewrites it). The database's
// update time is the one line that changes from run to run.
func TestImageTableGolden(t *testing.T) {
	db := fixtureDB(t)
	r := bulwark(t, ".", "image", "sbom:testdata/app.cdx.json", "--db-dir", db)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := regexp.MustCompile(`(?m)^vulnerability data: updated .*$`).ReplaceAllString(r.stdout, "vulnerability data: updated TIME")
	golden := filepath.Join("testdata", "image.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("table differs from %s (go test ./cmd/bulwark -update rewrites it):\n%s", golden, got)
	}
}

// TestImageCycloneDXVEX: a CycloneDX VEX statement whose analysis state
// is not_affected, for the finding's CVE alias and its package's purl,
// sets the finding aside (reported as suppressed, --fail-on passes); an
// exploitable statement, or one about another package, does not.
func TestImageCycloneDXVEX(t *testing.T) {
	db := fixtureDB(t)
	for _, tc := range []struct {
		vex        string
		code       int
		reported   []string
		suppressed []string
	}{
		{"vex-not-affected.cdx.json", 0, nil, []string{"GHSA-xvch-5gv4-984h"}},
		{"vex-exploitable.cdx.json", 1, []string{"GHSA-xvch-5gv4-984h"}, nil},
		{"vex-other-package.cdx.json", 1, []string{"GHSA-xvch-5gv4-984h"}, nil},
	} {
		t.Run(tc.vex, func(t *testing.T) {
			r := bulwark(t, ".", "image", "sbom:testdata/app.cdx.json", "--db-dir", db, "-f", "json",
				"--fail-on", "critical", "--vex", filepath.Join("testdata", tc.vex))
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d: %s", r.code, tc.code, r.stderr)
			}
			var doc struct {
				Findings, Suppressed []struct {
					RuleID string `json:"ruleID"`
				}
			}
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
				t.Fatalf("report: %v", err)
			}
			if got := ids(doc.Findings); !slices.Equal(got, tc.reported) {
				t.Errorf("reported %v, want %v", got, tc.reported)
			}
			if got := ids(doc.Suppressed); !slices.Equal(got, tc.suppressed) {
				t.Errorf("suppressed %v, want %v", got, tc.suppressed)
			}
		})
	}
}

func ids(fs []struct {
	RuleID string `json:"ruleID"`
}) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.RuleID)
	}
	return out
}
