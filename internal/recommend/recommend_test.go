package recommend

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/store"
)

// estate is a real SQLite store with one registry and five images: app
// (unhealthy: a critical finding with a fix and a high one without),
// old (unhealthy), web and db (healthy, db with a low finding), and new
// (never scanned).
func estate(t *testing.T) (*store.Store, map[string]*store.Image) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "bulwark.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	reg := &store.Registry{Name: "reg", URL: "http://127.0.0.1:5099", Host: "127.0.0.1:5099"}
	if err := st.CreateRegistry(ctx, reg); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	scans := map[string]*store.ScanResult{
		"app": {Counts: store.Counts{Critical: 1, High: 1}, Fixable: 1, Findings: []finding.Finding{
			vuln("CVE-2024-0001", "openssl", "3.0.1", "3.0.2", finding.SeverityCritical, 9.8, "bad"),
			vuln("CVE-2024-0002", "curl", "7.88.1", "", finding.SeverityHigh, 7.5, ""),
		}},
		"old": {Counts: store.Counts{High: 1}, Fixable: 1, Findings: []finding.Finding{
			vuln("CVE-2023-0009", "zlib", "1.2.11", "1.2.12", finding.SeverityHigh, 7.1, ""),
		}},
		"web": {Healthy: true},
		"db": {Healthy: true, Counts: store.Counts{Low: 1}, Findings: []finding.Finding{
			vuln("CVE-2022-0003", "tar", "1.34", "1.35", finding.SeverityLow, 3.3, ""),
		}},
		"new": nil,
	}
	imgs := map[string]*store.Image{}
	for _, repo := range []string{"app", "old", "web", "db", "new"} {
		id, _, err := st.UpsertImage(ctx, reg.ID, repo, "sha256:"+repo, "v1", at, true)
		if err != nil {
			t.Fatal(err)
		}
		if sc := scans[repo]; sc != nil {
			sc.ImageID, sc.ScannedAt = id, at.Add(time.Minute)
			if err := st.SaveScan(ctx, *sc, 0); err != nil {
				t.Fatal(err)
			}
		}
		if imgs[repo], err = st.Image(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	return st, imgs
}

// vuln is a vulnerability finding as a scan reports it: fixed when a
// fixed version is known, affected otherwise.
func vuln(id, pkg, installed, fixed string, sev finding.Severity, score float64, title string) finding.Finding {
	fix := "affected"
	if fixed != "" {
		fix = "fixed"
	}
	return finding.Finding{RuleID: id, Kind: finding.KindVulnerability, Status: finding.StatusFail, Severity: sev, Title: title,
		Vulnerability: &finding.Vulnerability{Package: finding.Package{Name: pkg, Version: installed}, Installed: installed, Fixed: fixed,
			Fix: fix, Score: score}}
}

func TestSummariesAndDetail(t *testing.T) {
	const rule = "image-vulnerabilities"
	appFinding := Finding{ID: "CVE-2024-0001", Package: "openssl", Installed: "3.0.1", Fixed: "3.0.2", Severity: "critical", Score: 9.8, Title: "bad"}
	oldFinding := Finding{ID: "CVE-2023-0009", Package: "zlib", Installed: "1.2.11", Fixed: "1.2.12", Severity: "high", Score: 7.1}
	future, past := time.Now().Add(24*time.Hour), time.Now().Add(-24*time.Hour)
	for _, tc := range []struct {
		name       string
		exemptions []store.Exemption // Resource names a repository here
		unhealthy  int
		exempt     int
		listed     map[string][]Finding // repository -> findings, exempt ones under "!repo"
	}{
		{"no exemptions", nil, 2, 0,
			map[string][]Finding{"app": {appFinding}, "old": {oldFinding}}},
		{"one image exempt", []store.Exemption{{Rule: rule, Resource: "old", Reason: "retired next week", Expires: future}}, 1, 1,
			map[string][]Finding{"app": {appFinding}, "!old": {oldFinding}}},
		{"expired exemption", []store.Exemption{{Rule: rule, Resource: "old", Reason: "was retired", Expires: past}}, 2, 0,
			map[string][]Finding{"app": {appFinding}, "old": {oldFinding}}},
		{"exemption of another rule", []store.Exemption{{Rule: "other-rule", Resource: "app"}}, 2, 0,
			map[string][]Finding{"app": {appFinding}, "old": {oldFinding}}},
		{"every resource of the rule", []store.Exemption{{Rule: rule, Reason: "accepted risk"}}, 0, 2,
			map[string][]Finding{"!app": {appFinding}, "!old": {oldFinding}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			st, imgs := estate(t)
			for _, e := range tc.exemptions {
				if e.Resource != "" {
					e.Resource = AssetID(imgs[e.Resource])
				}
				if err := st.CreateExemption(ctx, &e); err != nil {
					t.Fatal(err)
				}
			}
			sums, err := Summaries(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			want := Summary{Rule: Rules()[0], Unhealthy: tc.unhealthy, Healthy: 2, NotApplicable: 1, Exempt: tc.exempt}
			if len(sums) != 1 || sums[0] != want {
				t.Errorf("Summaries = %+v, want [%+v]", sums, want)
			}
			sum, res, err := Detail(ctx, st, rule)
			if err != nil {
				t.Fatal(err)
			}
			if *sum != want {
				t.Errorf("Detail summary = %+v, want %+v", *sum, want)
			}
			got := map[string][]Finding{}
			for _, r := range res {
				repo := repoOf(t, imgs, r)
				if r.Exempt {
					repo = "!" + repo
				}
				got[repo] = r.Findings
			}
			if !reflect.DeepEqual(got, tc.listed) {
				t.Errorf("listed resources = %+v, want %+v (healthy and unscanned images are only counted)", got, tc.listed)
			}
		})
	}
}

// repoOf finds the repository of a listed resource and checks the
// resource's identity fields against the stored image.
func repoOf(t *testing.T, imgs map[string]*store.Image, r Resource) string {
	t.Helper()
	for repo, img := range imgs {
		if img.ID != r.ImageID {
			continue
		}
		if r.AssetID != "image:sha256:"+repo || r.Name != "127.0.0.1:5099/"+repo+"@sha256:"+repo || !reflect.DeepEqual(r.Tags, []string{"v1"}) {
			t.Errorf("resource %+v does not name image %s", r, repo)
		}
		return repo
	}
	t.Fatalf("resource %+v is no stored image", r)
	return ""
}

func TestDetailUnknownRule(t *testing.T) {
	st, _ := estate(t)
	if _, _, err := Detail(context.Background(), st, "no-such-rule"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Detail of an unknown rule: %v, want store.ErrNotFound", err)
	}
}
