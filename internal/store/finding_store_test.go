package store

import (
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/finding"
)

// testFindings: an image scan's findings and another engine's findings
// round-trip through the one table; each run replaces its own rows only;
// an image's findings go with it.
func testFindings(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	reg := mkRegistry(t, s, "r")
	id := mkImage(t, s, reg.ID, "app", "sha256:a", "v1", t0)
	img := finding.Target{Kind: finding.TargetImage, ID: "image:sha256:a", Name: "app:v1"}
	at := t0.Add(time.Hour)
	vuln := finding.Finding{RuleID: "CVE-2024-0001", Kind: finding.KindVulnerability, Status: finding.StatusFail,
		Severity: finding.SeverityCritical, Title: "bad", Target: img, Time: at,
		Location: finding.Location{Path: "var/lib/dpkg/status", Layer: "sha256:l1"}, Remediation: "Upgrade openssl to 3.0.2.",
		References: []string{"https://example.test/CVE-2024-0001"},
		Vulnerability: &finding.Vulnerability{Aliases: []string{"DSA-1"}, Installed: "3.0.1", Fixed: "3.0.2", Fix: "fixed", Score: 9.8,
			Package: finding.Package{ID: "p1", Name: "openssl", Version: "3.0.1", Type: "deb"}}}
	low := finding.Finding{RuleID: "CVE-2024-0002", Kind: finding.KindVulnerability, Status: finding.StatusWarn,
		Severity: finding.SeverityLow, Target: img, Time: at, Vulnerability: &finding.Vulnerability{Fix: "wont-fix"}}
	must(t, s.SaveScan(ctx, ScanResult{ImageID: id, ScannedAt: at, Findings: []finding.Finding{low, vuln}}, 0))
	got, err := s.ImageFindings(ctx, id)
	must(t, err)
	deepEqual(t, "image findings", got, []finding.Finding{vuln, low})

	node := finding.Target{Kind: finding.TargetNode, ID: "node:worker-1", Name: "worker-1"}
	bench := finding.Finding{RuleID: "CIS-4.1.1", Kind: finding.KindBenchmark, Status: finding.StatusError, Severity: finding.SeverityHigh,
		Target: node, Evidence: map[string]string{"error": "file not found"}, Tags: []string{"CIS 4.1.1"}, Time: at}
	must(t, s.SaveFindings(ctx, node, finding.KindBenchmark, []finding.Finding{bench, bench}))
	must(t, s.SaveFindings(ctx, node, finding.KindBenchmark, []finding.Finding{bench}))
	got, err = s.Findings(ctx, node)
	must(t, err)
	deepEqual(t, "node findings after a second run", got, []finding.Finding{bench})

	must(t, s.SaveScan(ctx, ScanResult{ImageID: id, ScannedAt: at.Add(time.Hour)}, 0))
	if got, _ := s.ImageFindings(ctx, id); len(got) != 0 {
		t.Errorf("a clean rescan left %d findings", len(got))
	}
	must(t, s.SaveScan(ctx, ScanResult{ImageID: id, ScannedAt: at.Add(2 * time.Hour), Findings: []finding.Finding{vuln}}, 0))

	// Deleting an image row deletes its findings (on SQLite only with
	// foreign keys on, which Open sets), and no other image's.
	other := mkImage(t, s, reg.ID, "app", "sha256:b", "v2", t0)
	must(t, s.SaveScan(ctx, ScanResult{ImageID: other, ScannedAt: at, Findings: []finding.Finding{vuln, low}}, 0))
	_, err = s.writer().exec(ctx, "DELETE FROM images WHERE id = ?", other)
	must(t, err)
	if n := count(t, s, "SELECT COUNT(*) FROM findings WHERE image_id = ?", other); n != 0 {
		t.Errorf("%d findings left of a deleted image", n)
	}
	if got, _ := s.ImageVulnerabilities(ctx, id); len(got) != 1 {
		t.Errorf("the other image has %d vulnerabilities after an image was deleted, want 1", len(got))
	}
	must(t, s.DeleteRegistry(ctx, reg.ID))
	if n := count(t, s, "SELECT COUNT(*) FROM findings WHERE image_id IS NOT NULL"); n != 0 {
		t.Errorf("%d findings left of a deleted registry's images", n)
	}
	if got, _ := s.Findings(ctx, node); len(got) != 1 {
		t.Errorf("node findings after deleting a registry: %d, want 1", len(got))
	}
}
