package match

import (
	"context"
	"testing"

	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// memSource is vulnerability data held in memory, keyed as the store keys.
type memSource struct {
	entries map[string][]vulndb.Entry
	advs    map[string]*vulndb.Advisory
}

func (m memSource) Lookup(eco, name string) ([]vulndb.Entry, error) {
	return m.entries[vulndb.EcosystemKey(eco)+"/"+vulndb.NormalizeName(eco, name)], nil
}

func (m memSource) Advisory(id string) (*vulndb.Advisory, error) { return m.advs[id], nil }

func below(fixed string) []vulndb.Range {
	return []vulndb.Range{{Type: "ECOSYSTEM", Events: []vulndb.Event{{Introduced: "0"}, {Fixed: fixed}}}}
}

func TestMatchCases(t *testing.T) {
	src := memSource{
		entries: map[string][]vulndb.Entry{
			"PyPI/requests": {{ID: "PYSEC-1", Ranges: below("2.20.0")}, {ID: "GHSA-1", Ranges: below("2.20.0")}},
			"Debian:12/openssl": {{ID: "DSA-1-1", Ranges: below("3.0.13-1~deb12u1")},
				{ID: "DEBIAN-CVE-2010-0928", Ranges: []vulndb.Range{{Type: "ECOSYSTEM", Events: []vulndb.Event{{Introduced: "0"}}}}, Status: "unimportant"}},
			"Go/golang.org/x/crypto": {{ID: "GO-W", Ranges: []vulndb.Range{{Type: "SEMVER", Events: []vulndb.Event{{Introduced: "0"}, {Fixed: "0.1.0"}}}}, OS: []string{"windows"}}},
		},
		advs: map[string]*vulndb.Advisory{
			"PYSEC-1": {ID: "PYSEC-1", Aliases: []string{"GHSA-1", "CVE-2018-18074"}},
			"GHSA-1":  {ID: "GHSA-1", Aliases: []string{"PYSEC-1", "CVE-2018-18074"}},
		},
	}
	pkgs := []sbom.Package{
		{ID: "p1", Name: "requests", Version: "2.19.0", Type: sbom.TypePython, Ecosystem: "PyPI", Locations: []sbom.Location{{Path: "a/requirements.txt"}}},
		{ID: "p2", Name: "Requests", Version: "2.19.0", Type: sbom.TypePython, Ecosystem: "PyPI", Locations: []sbom.Location{{Path: "b/site-packages"}}},
		{ID: "p3", Name: "requests", Version: "???", Type: sbom.TypePython, Ecosystem: "PyPI"},
		{ID: "p4", Name: "requests", Version: "2.19.0", Type: sbom.TypePython, Ecosystem: "PyPI", OwnedBy: "deb1"},
		{ID: "deb1", Name: "libssl3", Version: "3.0.11-1~deb12u2+b1", Type: sbom.TypeDeb, Ecosystem: "Debian:12",
			Source: &sbom.Source{Name: "openssl", Version: "3.0.11-1~deb12u2"}},
		{ID: "go1", Name: "golang.org/x/crypto", Version: "v0.0.1", Type: sbom.TypeGo, Ecosystem: "Go", Metadata: map[string]string{"GOOS": "linux"}},
	}
	res, err := Match(context.Background(), src, pkgs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Vulnerability{}
	for _, v := range res.Vulnerabilities {
		got[v.Package.ID+" "+v.ID] = v
	}
	// Aliases fold into one finding; two copies of requests 2.19.0 fold too.
	if v, ok := got["p1 GHSA-1"]; ok {
		t.Errorf("alias not folded: %+v", v)
	}
	if v := got["p1 PYSEC-1"]; v.Status != StatusFixed || v.Fixed != "2.20.0" || len(v.OtherPaths) != 1 {
		t.Errorf("requests finding = %+v", v)
	}
	// An unreadable installed version is a could-not-compare finding.
	if v, ok := got["p3 PYSEC-1"]; !ok || v.Status != StatusUnknown || v.Note == "" {
		t.Errorf("unparsable version: %+v (found %v)", v, ok)
	}
	// Owned language packages are left to their OS package.
	if _, ok := got["p4 PYSEC-1"]; ok || res.Owned != 1 {
		t.Errorf("owned package matched (owned count %d)", res.Owned)
	}
	// Distro: source package and source version; won't-fix kept with its word.
	if v := got["deb1 DSA-1-1"]; v.Fixed != "3.0.13-1~deb12u1" || v.Installed != "3.0.11-1~deb12u2" || v.MatchedBy != "Debian:12/openssl (source)" {
		t.Errorf("distro finding = %+v", v)
	}
	if v := got["deb1 DEBIAN-CVE-2010-0928"]; v.Status != StatusWontFix || v.DistroStatus != "unimportant" {
		t.Errorf("unimportant finding = %+v", v)
	}
	// A Windows-only Go advisory does not apply to a Linux binary.
	if _, ok := got["go1 GO-W"]; ok {
		t.Error("windows-only advisory matched a linux binary")
	}
	res, _ = Match(context.Background(), src, pkgs, Options{MatchOwned: true})
	if res.Owned != 0 {
		t.Errorf("MatchOwned still skipped %d owned packages", res.Owned)
	}
}
