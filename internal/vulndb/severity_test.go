package vulndb

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/testbed"
)

// TestCVSSAgainstNVD: the base scores computed from the NVD record's
// vectors equal the scores NVD published beside them.
func TestCVSSAgainstNVD(t *testing.T) {
	vd := testbed.Vulndata(t)
	b := mustRead(t, filepath.Join(vd, "nvd", "CVE-2021-44906.json"))
	for vec, want := range map[string]float64{
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H": 9.8,
		"AV:N/AC:L/Au:N/C:P/I:P/A:P":                   7.5,
	} {
		if !strings.Contains(string(b), vec) {
			t.Fatalf("the NVD sample no longer holds %s", vec)
		}
		got, err := ScoreVector(vec)
		if err != nil || got != want {
			t.Errorf("ScoreVector(%s) = %v, %v; NVD says %v", vec, got, err, want)
		}
	}
}

// TestCVSSAgainstBitnami: Bitnami rates each record with a label derived
// from its CVSS vector; grading the score computed from that vector must
// give the same label, for v3.x and v4.0 vectors.
func TestCVSSAgainstBitnami(t *testing.T) {
	vd := testbed.Vulndata(t)
	agree, disagree := map[string]int{}, map[string]int{}
	for _, a := range readZipOSV(t, filepath.Join(vd, "Bitnami", "all.zip")) {
		var label string
		for _, s := range a.Severity {
			if s.Type == "label" {
				label = s.Score
			}
		}
		want, ok := LabelSeverity(label)
		if !ok || len(a.Affected) == 0 {
			continue
		}
		// Bitnami puts its vectors on the affected package.
		var vecs []Severity
		for _, af := range a.Affected {
			vecs = append(vecs, af.Severity...)
		}
		vec, score := bestVector(vecs)
		if vec == "" {
			continue
		}
		kind := vec[:8]
		if got := ScoreSeverity(score); got == want || (want == finding.SeverityInformational && score == 0) {
			agree[kind]++
		} else {
			disagree[kind]++
			if disagree[kind] <= 5 {
				t.Logf("%s: %s scores %.1f (%s), Bitnami says %s", a.ID, vec, score, got, label)
			}
		}
	}
	for kind, n := range agree {
		t.Logf("%s: %d agree, %d disagree", kind, n, disagree[kind])
	}
	if agree["CVSS:3.1"] < 5000 || agree["CVSS:4.0"] < 500 {
		t.Fatalf("too few Bitnami records checked: %v", agree)
	}
	for kind, n := range disagree {
		t.Errorf("%s: %d of %d disagree with Bitnami's labels", kind, n, n+agree[kind])
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRatePrecedence: the distro's rating for OS packages, the
// advisory's own for language packages, NVD as the fallback.
func TestRatePrecedence(t *testing.T) {
	crit := Severity{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"} // 9.8
	med := Severity{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N"}  // 4.2
	v4 := Severity{Type: "CVSS_V4", Score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}
	nvdRec := &Advisory{ID: "CVE-2024-1", Severity: []Severity{crit}}
	nvd := []*Advisory{nvdRec}
	ghsaLow := &Advisory{ID: "GHSA-low", Severity: []Severity{{Type: "label", Score: "LOW", Source: "ghsa"}}}
	cases := []struct {
		name   string
		e      Entry
		adv    *Advisory
		nvd    []*Advisory
		os     bool
		want   finding.Severity
		source string
		score  float64
	}{
		{"debian urgency beats NVD's vector", Entry{Severity: []Severity{{Type: "label", Score: "low", Source: "debian"}}},
			&Advisory{ID: "DEBIAN-CVE-2024-1"}, nvd, true, finding.SeverityLow, "debian", 9.8},
		{"unimportant is informational", Entry{Severity: []Severity{{Type: "label", Score: "unimportant", Source: "debian"}}},
			&Advisory{ID: "DSA-1-1"}, nvd, true, finding.SeverityInformational, "debian", 9.8},
		{"ubuntu priority on the advisory", Entry{}, &Advisory{ID: "USN-1-1", Severity: []Severity{{Type: "label", Score: "medium", Source: "ubuntu"}}},
			nvd, true, finding.SeverityMedium, "ubuntu", 9.8},
		{"red hat rating", Entry{}, &Advisory{ID: "ALSA-2023:1", Severity: []Severity{{Type: "label", Score: "Important", Source: "redhat"}}},
			nil, true, finding.SeverityHigh, "redhat", 0},
		{"OS package without distro rating falls to NVD", Entry{}, &Advisory{ID: "ALPINE-CVE-2024-1"}, nvd, true, finding.SeverityCritical, "nvd:CVE-2024-1", 9.8},
		{"language: own vector beats NVD", Entry{}, &Advisory{ID: "GHSA-x", Severity: []Severity{med}}, nvd, false, finding.SeverityMedium, "ghsa", 4.2},
		{"language: v4 before v3", Entry{}, &Advisory{ID: "RUSTSEC-1", Severity: []Severity{med, v4}}, nil, false, finding.SeverityCritical, "rustsec", 9.3},
		{"language: label when no vector", Entry{}, &Advisory{ID: "GHSA-y", Severity: []Severity{{Type: "label", Score: "HIGH", Source: "ghsa"}}}, nil, false, finding.SeverityHigh, "ghsa", 0},
		{"language: NVD fallback", Entry{}, &Advisory{ID: "PYSEC-1"}, nvd, false, finding.SeverityCritical, "nvd:CVE-2024-1", 9.8},
		{"language: aliased GHSA before NVD", Entry{}, &Advisory{ID: "GO-1"}, []*Advisory{nil, ghsaLow, nvdRec}, false, finding.SeverityLow, "ghsa:GHSA-low", 9.8},
		{"language: unrated GHSA passes to NVD", Entry{}, &Advisory{ID: "GO-1"}, []*Advisory{{ID: "GHSA-none"}, nvdRec}, false, finding.SeverityCritical, "nvd:CVE-2024-1", 9.8},
		{"language: own label beats aliased", Entry{}, &Advisory{ID: "GHSA-y", Severity: []Severity{{Type: "label", Score: "moderate"}}}, []*Advisory{ghsaLow, nvdRec}, false, finding.SeverityMedium, "ghsa", 9.8},
		{"nothing known", Entry{}, &Advisory{ID: "GO-1"}, nil, false, finding.SeverityUnknown, "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Rate(c.e, c.adv, c.nvd, c.os)
			if r.Severity != c.want || r.Source != c.source || r.Score != c.score {
				t.Fatalf("Rate = %+v, want %s from %q score %.1f", r, c.want, c.source, c.score)
			}
		})
	}
}
