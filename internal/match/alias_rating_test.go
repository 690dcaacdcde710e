package match

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/testbed"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// TestUnratedAdvisoryTakesNVDRating: an advisory that carries no
// severity (as none of the Go team's records do) is rated by the NVD
// record of its CVE, and the finding says so. Real records: GitHub's
// advisory for minimist with its own ratings removed, and NVD's record of
// CVE-2021-44906 (CVSS 3.1 9.8).
func TestUnratedAdvisoryTakesNVDRating(t *testing.T) {
	vd := testbed.Vulndata(t)
	ghsa := realOSV(t, filepath.Join(vd, "npm", "all.zip"), "GHSA-xvch-5gv4-984h.json")
	ghsa.Severity = nil
	nvd := realNVD(t, filepath.Join(vd, "nvd", "CVE-2021-44906.json"))
	src := memSource{entries: map[string][]vulndb.Entry{}, advs: map[string]*vulndb.Advisory{ghsa.ID: &ghsa, nvd.ID: &nvd}}
	for _, af := range ghsa.Affected {
		k := vulndb.EcosystemKey(af.Ecosystem) + "/" + vulndb.NormalizeName(af.Ecosystem, af.Name)
		src.entries[k] = append(src.entries[k], vulndb.Entry{ID: ghsa.ID, Ecosystem: af.Ecosystem, Name: af.Name, Ranges: af.Ranges})
	}
	pkgs := []sbom.Package{{ID: "m", Name: "minimist", Version: "1.2.5", Type: sbom.TypeNPM, Ecosystem: "npm"}}
	res, err := Match(context.Background(), src, pkgs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Vulnerabilities) != 1 {
		t.Fatalf("want one finding, got %+v", res.Vulnerabilities)
	}
	r := res.Vulnerabilities[0].Rating
	if r.Severity != finding.SeverityCritical || r.Source != "nvd:CVE-2021-44906" || r.Score != 9.8 {
		t.Fatalf("rating = %+v, want critical 9.8 from nvd:CVE-2021-44906", r)
	}
}

// TestAliasedGHSARatesBeforeNVD: an unrated advisory takes the rating of
// its loaded GHSA alias before NVD's, and stays unrated when neither is
// loaded.
func TestAliasedGHSARatesBeforeNVD(t *testing.T) {
	entries := map[string][]vulndb.Entry{"Go/example.com/m": {{ID: "GO-1", Ranges: below("1.1.0")}}}
	goAdv := &vulndb.Advisory{ID: "GO-1", Aliases: []string{"CVE-2024-1", "GHSA-aaaa"}}
	ghsa := &vulndb.Advisory{ID: "GHSA-aaaa", Severity: []vulndb.Severity{{Type: "label", Score: "MODERATE", Source: "ghsa"}}}
	cve := &vulndb.Advisory{ID: "CVE-2024-1", Severity: []vulndb.Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Source: "nvd"}}}
	cases := []struct {
		name   string
		advs   map[string]*vulndb.Advisory
		want   finding.Severity
		source string
	}{
		{"GHSA first", map[string]*vulndb.Advisory{"GO-1": goAdv, "GHSA-aaaa": ghsa, "CVE-2024-1": cve}, finding.SeverityMedium, "ghsa:GHSA-aaaa"},
		{"NVD when no GHSA", map[string]*vulndb.Advisory{"GO-1": goAdv, "CVE-2024-1": cve}, finding.SeverityCritical, "nvd:CVE-2024-1"},
		{"unrated when none", map[string]*vulndb.Advisory{"GO-1": goAdv}, finding.SeverityUnknown, ""},
	}
	pkgs := []sbom.Package{{ID: "g", Name: "example.com/m", Version: "v1.0.0", Type: sbom.TypeGo, Ecosystem: "Go"}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Match(context.Background(), memSource{entries: entries, advs: c.advs}, pkgs, Options{})
			if err != nil || len(res.Vulnerabilities) != 1 {
				t.Fatalf("Match = %+v, %v", res, err)
			}
			if r := res.Vulnerabilities[0].Rating; r.Severity != c.want || r.Source != c.source {
				t.Fatalf("rating = %+v, want %s from %q", r, c.want, c.source)
			}
		})
	}
}

func realOSV(t *testing.T, zipPath, entry string) vulndb.Advisory {
	t.Helper()
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := zr.Open(entry)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	a, err := vulndb.ParseOSV(b, entry)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func realNVD(t *testing.T, path string) vulndb.Advisory {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	advs, bad, err := vulndb.ParseNVD(f, path)
	if err != nil || len(bad) > 0 || len(advs) != 1 {
		t.Fatalf("ParseNVD(%s) = %d records, %v, %v", path, len(advs), bad, err)
	}
	return advs[0]
}
