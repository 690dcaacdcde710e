package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/match"
	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/testbed"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sample is a report on two packages with three findings: one fixed
// critical with a CVSS vector, one will-not-fix from the distro, one
// Python finding with no fix.
func sample() *Image {
	openssl := sbom.Package{ID: "deb:openssl", Name: "libssl3", Version: "3.0.11-1~deb12u1", Type: sbom.TypeDeb,
		Ecosystem: "Debian:12", PURL: "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12",
		Source: &sbom.Source{Name: "openssl", Version: "3.0.11-1~deb12u1"}, Locations: []sbom.Location{{Path: "var/lib/dpkg/status", Layer: "sha256:aaa"}}}
	req := sbom.Package{ID: "pypi:requests", Name: "requests", Version: "2.19.0", Type: sbom.TypePython, Ecosystem: "PyPI",
		PURL: "pkg:pypi/requests@2.19.0", Locations: []sbom.Location{{Path: "app/requirements.txt", Layer: "sha256:bbb"}}}
	ref := func(p sbom.Package) match.PackageRef {
		r := match.PackageRef{ID: p.ID, Name: p.Name, Version: p.Version, Type: p.Type, Ecosystem: p.Ecosystem, PURL: p.PURL}
		if p.Source != nil {
			r.Source = p.Source.Name
		}
		return r
	}
	vs := []match.Vulnerability{
		{ID: "DSA-5532-1", Aliases: []string{"CVE-2023-5363"}, Package: ref(openssl), Installed: "3.0.11-1~deb12u1",
			Fixed: "3.0.11-1~deb12u2", Status: match.StatusFixed, Title: "openssl - security update",
			Rating:     vulndb.Rating{Severity: finding.SeverityCritical, Score: 9.8, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Source: "nvd"},
			References: []string{"https://security-tracker.debian.org/tracker/DSA-5532-1"}, Layer: "sha256:aaa", Path: "var/lib/dpkg/status",
			MatchedBy: "Debian:12/openssl (source)"},
		{ID: "DEBIAN-CVE-2010-0928", Package: ref(openssl), Installed: "3.0.11-1~deb12u1", Status: match.StatusWontFix,
			DistroStatus: "unimportant", Rating: vulndb.Rating{Severity: finding.SeverityInformational, Source: "debian"},
			Title: "OpenSSL 0.9.8i on the Gaisler Research LEON3 SoC ...", MatchedBy: "Debian:12/openssl (source)"},
		{ID: "PYSEC-2018-28", Aliases: []string{"CVE-2018-18074"}, Package: ref(req), Installed: "2.19.0", Fixed: "2.20.0",
			Status: match.StatusFixed, Rating: vulndb.Rating{Severity: finding.SeverityHigh, Score: 7.5, Vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", Source: "nvd"},
			Title: "requests sends the Authorization header on redirects to http", Path: "app/requirements.txt", Layer: "sha256:bbb", MatchedBy: "PyPI/requests (package)"},
	}
	created := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	target := finding.Target{Kind: finding.TargetImage, ID: "image:sha256:0123", Name: "docker-archive:app.tar"}
	return &Image{
		Run:      Run{Tool: "bulwark", Version: "test", Created: created, Findings: match.Findings(vs, target)},
		Target:   sbom.SourceInfo{Target: "docker-archive:app.tar", Digest: "sha256:0123"},
		Distro:   "Debian GNU/Linux 12 (bookworm)",
		Packages: 2,
		Fixes:    match.Remediate(vs),
		Summary:  match.Summarize(vs),
		Verdict:  match.DefaultPolicy().Judge(vs),
		Database: Database{Built: created.Add(-time.Hour), Updated: created.Add(-time.Hour), Sources: []string{"osv:Debian", "osv:PyPI"}},
		SBOM:     &sbom.SBOM{Source: sbom.SourceInfo{Target: "docker-archive:app.tar"}, Packages: []sbom.Package{openssl, req}},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", name, got)
	}
}

func TestImageGolden(t *testing.T) {
	r := sample()
	for _, f := range []Format{FormatTable, FormatJSON, FormatSARIF, FormatJUnit} {
		var buf bytes.Buffer
		if err := Write(&buf, r, f, Options{Now: r.Created}); err != nil {
			t.Fatal(err)
		}
		golden(t, "sample."+string(f), buf.Bytes())
	}
}

// sampleRun is what a posture or policy engine reports: one finding per
// status, on a node and a workload.
func sampleRun() *Run {
	node := finding.Target{Kind: finding.TargetNode, ID: "k8s:prod/node/worker-1", Name: "worker-1"}
	pod := finding.Target{Kind: finding.TargetWorkload, ID: "k8s:prod/shop/Deployment/web", Name: "shop/web"}
	return &Run{Tool: "bulwark", Version: "test", Created: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), Findings: []finding.Finding{
		{RuleID: "CIS-4.1.1", Kind: finding.KindBenchmark, Status: finding.StatusFail, Severity: finding.SeverityHigh,
			Title: "kubelet service file permissions are 600 or stricter", Target: node,
			Location: finding.Location{Path: "/etc/systemd/system/kubelet.service"}, Evidence: map[string]string{"mode": "0644"},
			Remediation: "chmod 600 /etc/systemd/system/kubelet.service", Tags: []string{"CIS 4.1.1"}},
		{RuleID: "CIS-4.2.1", Kind: finding.KindBenchmark, Status: finding.StatusPass, Severity: finding.SeverityHigh,
			Title: "anonymous auth is disabled", Target: node},
		{RuleID: "CIS-4.2.6", Kind: finding.KindBenchmark, Status: finding.StatusError, Severity: finding.SeverityMedium,
			Title: "protect kernel defaults", Target: node, Evidence: map[string]string{"error": "kubelet config not found"}},
		{RuleID: "CIS-4.3.1", Kind: finding.KindBenchmark, Status: finding.StatusSkip, Severity: finding.SeverityLow,
			Title: "kube-proxy metrics bound to localhost", Target: node},
		{RuleID: "POL-privileged", Kind: finding.KindMisconfiguration, Status: finding.StatusWarn, Severity: finding.SeverityCritical,
			Title: "container runs privileged", Target: pod, Location: finding.Location{JSONPath: "spec.template.spec.containers[0].securityContext.privileged"},
			Remediation: "set privileged: false", References: []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/"},
			Tags: []string{"MITRE T1611"}},
	}}
}

// TestRunGolden: any engine's findings render through the same writers.
func TestRunGolden(t *testing.T) {
	r := sampleRun()
	for _, f := range []Format{FormatTable, FormatJSON, FormatSARIF, FormatJUnit} {
		var buf bytes.Buffer
		if err := WriteRun(&buf, r, f, Options{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "run."+string(f), buf.Bytes())
	}
	if err := WriteRun(io.Discard, r, FormatCycloneDX, Options{}); err == nil {
		t.Error("CycloneDX of findings without an SBOM: no error")
	}
}

func TestRemediationLine(t *testing.T) {
	s := sample().Summary
	if got, want := s.Line(), "upgrading 2 packages fixes 2 of 2 high/critical (2 of 3 in all)"; got != want {
		t.Fatalf("Line() = %q, want %q", got, want)
	}
	if v := sample().Verdict; v.Healthy || v.Offending != 2 {
		t.Fatalf("verdict = %+v, want unhealthy with 2", v)
	}
}

func TestCycloneDXValidates(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, sample(), FormatCycloneDX, Options{}); err != nil {
		t.Fatal(err)
	}
	testbed.ValidateJSON(t, testbed.CycloneDXSchema(t), buf.Bytes())
	var doc struct {
		Vulnerabilities []struct {
			ID      string `json:"id"`
			Affects []struct {
				Ref string `json:"ref"`
			} `json:"affects"`
			Ratings []struct {
				Severity string  `json:"severity"`
				Score    float64 `json:"score"`
			} `json:"ratings"`
		} `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Vulnerabilities) != 3 || doc.Vulnerabilities[0].Affects[0].Ref != "deb:openssl" ||
		doc.Vulnerabilities[0].Ratings[0].Severity != "critical" || doc.Vulnerabilities[0].Ratings[0].Score != 9.8 {
		t.Fatalf("vulnerabilities section = %+v", doc.Vulnerabilities)
	}
}

// TestSARIFShape checks what code-scanning dashboards (GitHub's upload)
// require: version 2.1.0, one rule per ID with a security-severity, each
// result pointing at its rule and at a file with a start line.
func TestSARIFShape(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, sample(), FormatSARIF, Options{}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID         string            `json:"id"`
						Properties map[string]any    `json:"properties"`
						Short      map[string]string `json:"shortDescription"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Locations []struct {
					Physical struct {
						Artifact struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.1.0" || len(doc.Runs) != 1 {
		t.Fatalf("version %q, %d runs", doc.Version, len(doc.Runs))
	}
	run := doc.Runs[0]
	if len(run.Tool.Driver.Rules) != 3 || len(run.Results) != 3 {
		t.Fatalf("%d rules, %d results", len(run.Tool.Driver.Rules), len(run.Results))
	}
	for _, r := range run.Results {
		rule := run.Tool.Driver.Rules[r.RuleIndex]
		if rule.ID != r.RuleID || rule.Properties["security-severity"] == nil || rule.Short["text"] == "" {
			t.Errorf("result %s points at rule %+v", r.RuleID, rule)
		}
		if len(r.Locations) != 1 || r.Locations[0].Physical.Artifact.URI == "" || r.Locations[0].Physical.Region.StartLine != 1 {
			t.Errorf("result %s: locations %+v", r.RuleID, r.Locations)
		}
	}
	if run.Results[0].Level != "error" {
		t.Errorf("critical finding has level %q, want error", run.Results[0].Level)
	}
}
