package scan

import (
	"context"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/match"
	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// memSource is vulnerability data in memory: one advisory per npm package.
type memSource map[string]vulndb.Entry

func (m memSource) Lookup(eco, name string) ([]vulndb.Entry, error) {
	if e, ok := m[name]; ok {
		return []vulndb.Entry{e}, nil
	}
	return nil, nil
}

func (m memSource) Advisory(id string) (*vulndb.Advisory, error) {
	sev := finding.SeverityHigh
	if id == "GHSA-low" {
		sev = finding.SeverityLow
	}
	return &vulndb.Advisory{ID: id, Severity: []vulndb.Severity{{Type: "label", Score: sev.String()}}}, nil
}

func (m memSource) Meta() vulndb.Meta {
	return vulndb.Meta{Updated: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Sources: map[string]vulndb.SourceMeta{"osv": {}}}
}

func below(id, fixed string) vulndb.Entry {
	return vulndb.Entry{ID: id, Ranges: []vulndb.Range{{Type: "SEMVER", Events: []vulndb.Event{{Introduced: "0"}, {Fixed: fixed}}}}}
}

func testSBOM() *sbom.SBOM {
	pkg := func(name string) sbom.Package {
		return sbom.Package{ID: name, Name: name, Version: "1.0.0", Type: sbom.TypeNPM, Ecosystem: "npm"}
	}
	return &sbom.SBOM{Packages: []sbom.Package{pkg("a"), pkg("b"), pkg("c")}}
}

// TestEvaluate: Drop removes findings before they count, ignore rules set
// them aside, Show only limits what is reported.
func TestEvaluate(t *testing.T) {
	src := memSource{"a": below("GHSA-a", "2.0.0"), "b": below("GHSA-low", "2.0.0"), "c": below("GHSA-c", "2.0.0")}
	res, err := Evaluate(context.Background(), src, testSBOM(), Options{
		Policy: match.DefaultPolicy(),
		Drop:   func(v match.Vulnerability) bool { return v.ID == "GHSA-c" },
		Ignore: []match.IgnoreRule{{ID: "GHSA-a", Source: "test"}},
		Show:   func(v match.Vulnerability) bool { return v.Rating.Severity >= finding.SeverityHigh },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Suppressed) != 1 || res.Suppressed[0].ID != "GHSA-a" {
		t.Errorf("suppressed %+v, want GHSA-a", res.Suppressed)
	}
	if len(res.Vulnerabilities) != 0 {
		t.Errorf("reported %+v, want none (the low one is not shown)", res.Vulnerabilities)
	}
	if res.Summary.Total != 1 || !res.Verdict.Healthy || len(res.Fixes) != 1 {
		t.Errorf("summary %+v, verdict %+v, fixes %d: want the low finding counted", res.Summary, res.Verdict, len(res.Fixes))
	}
	rep := res.Report("bulwark", "test", time.Unix(0, 0))
	if len(rep.Database.Sources) != 1 || rep.Packages != 3 {
		t.Errorf("report: %+v", rep)
	}
}
