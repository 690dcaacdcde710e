package store

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/finding"
)

// imageTarget is what the findings of the tests' image "app" are about.
var imageTarget = finding.Target{Kind: finding.TargetImage, ID: "image:sha256:a", Name: "r:5000/app@sha256:a"}

// vulnFindings are vs as a scan reports them: vulnerability findings about
// the image, the package and versions in their detail.
func vulnFindings(vs ...Vulnerability) []finding.Finding {
	out := make([]finding.Finding, 0, len(vs))
	for _, v := range vs {
		sev, _ := finding.ParseSeverity(v.Severity)
		out = append(out, finding.Finding{RuleID: v.VulnID, Kind: finding.KindVulnerability, Status: finding.StatusFail,
			Severity: sev, Title: v.Title, Target: imageTarget, Location: finding.Location{Path: v.Path, Layer: v.Layer},
			Vulnerability: &finding.Vulnerability{Aliases: v.Aliases, Installed: v.Installed, Fixed: v.Fixed, Fix: v.Status, Score: v.Score,
				Package: finding.Package{ID: v.Package + "@" + v.Installed, Name: v.Package, Version: v.Installed, Type: v.PkgType}}})
	}
	return out
}

// testSaveScan: SaveScan writes the image's summary, findings and blobs;
// ImageVulnerabilities reads the vulnerability findings back, most severe
// first, then by score, then by ID, one advisory's packages in the order
// the scan listed them.
func testSaveScan(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	reg := mkRegistry(t, s, "r")
	id := mkImage(t, s, reg.ID, "app", "sha256:a", "v1", t0)
	_, err := s.ScanReport(ctx, id)
	wantErr(t, "ScanReport before a scan", err, ErrNotFound)
	_, err = s.ScanSBOM(ctx, id)
	wantErr(t, "ScanSBOM before a scan", err, ErrNotFound)

	// In the order the matcher lists them: by severity, then package.
	vulns := []Vulnerability{
		{VulnID: "CVE-2024-0001", Aliases: []string{"GHSA-xxxx", "DSA-1"}, Package: "libssl3", PkgType: "deb", Installed: "3.0.1", Fixed: "3.0.2",
			Severity: "critical", Score: 9.8, Status: "fixed", Title: "bad", Layer: "sha256:l1", Path: "/var/lib/dpkg/status"},
		{VulnID: "CVE-2024-0001", Aliases: []string{"GHSA-xxxx", "DSA-1"}, Package: "openssl", PkgType: "deb", Installed: "3.0.1", Fixed: "3.0.2",
			Severity: "critical", Score: 9.8, Status: "fixed", Title: "bad", Layer: "sha256:l1", Path: "/var/lib/dpkg/status"},
		{VulnID: "CVE-2024-0004", Package: "bash", Severity: "high", Score: 8.1, Status: "affected"},
		{VulnID: "CVE-2024-0002", Package: "curl", Severity: "high", Score: 7.5, Status: "wont-fix"},
		{VulnID: "CVE-2024-0009", Package: "curl", Severity: "high", Score: 7.5},
		{VulnID: "CVE-2024-0008", Package: "wget", Severity: "high", Score: 7.5},
		{VulnID: "CVE-2024-0007", Package: "xz", Severity: "medium", Score: 5},
		{VulnID: "CVE-2024-0003", Package: "zlib", Severity: "low", Score: 3.1, Status: "could-not-compare"},
		{VulnID: "CVE-2024-0006", Package: "gzip", Severity: "informational"},
		{VulnID: "CVE-2024-0005", Package: "tar", Severity: "unknown"},
	}
	at := t0.Add(time.Hour)
	r := ScanResult{ImageID: id, ScannedAt: at, OS: "Debian GNU/Linux 12 (bookworm)", Packages: 120,
		Counts: Counts{Critical: 2, High: 4, Medium: 1, Low: 1, Informational: 1, Unknown: 1}, Fixable: 2,
		SBOM: []byte{0x28, 0xb5, 0x2f, 0xfd, 0}, Findings: vulnFindings(vulns...), Report: []byte(`{"image":"app"}`)}
	must(t, s.SaveScan(ctx, r, 0))
	// Another engine's finding about the image is not a vulnerability.
	must(t, s.tx(ctx, func(c conn) error {
		return insertFindings(ctx, c, &id, []finding.Finding{{RuleID: "CVE-2024-9999", Kind: finding.KindMisconfiguration,
			Status: finding.StatusFail, Severity: finding.SeverityCritical, Target: imageTarget}}, at)
	}))

	im := getImage(t, s, id)
	want := Image{ID: id, RegistryID: reg.ID, Registry: reg.Host, Repository: "app", Digest: "sha256:a", Tags: []string{"v1"},
		OS: r.OS, Packages: 120, FirstSeen: t0, LastSeen: t0, ScannedAt: at, Scanned: true, Healthy: false, Counts: r.Counts, Fixable: 2}
	deepEqual(t, "image after SaveScan", *im, want)
	got, err := s.ImageVulnerabilities(ctx, id)
	must(t, err)
	var order []string
	for _, v := range got {
		order = append(order, v.VulnID+" "+v.Package)
	}
	deepEqual(t, "vulnerability order", order, []string{"CVE-2024-0001 libssl3", "CVE-2024-0001 openssl", "CVE-2024-0004 bash",
		"CVE-2024-0002 curl", "CVE-2024-0008 wget", "CVE-2024-0009 curl", "CVE-2024-0007 xz", "CVE-2024-0003 zlib",
		"CVE-2024-0006 gzip", "CVE-2024-0005 tar"})
	full := vulns[1]
	full.ImageID = id
	deepEqual(t, "a vulnerability read back", got[1], full)
	if wontFix := got[3]; wontFix.Status != "wont-fix" || wontFix.Score != 7.5 || wontFix.Severity != "high" {
		t.Errorf("a wont-fix vulnerability read back as %+v", wontFix)
	}
	report, err := s.ScanReport(ctx, id)
	must(t, err)
	sbom, err := s.ScanSBOM(ctx, id)
	must(t, err)
	if !bytes.Equal(report, r.Report) || !bytes.Equal(sbom, r.SBOM) {
		t.Errorf("blobs: report %q sbom %x", report, sbom)
	}

	// A later scan replaces everything; an older one is ignored.
	later := ScanResult{ImageID: id, ScannedAt: at.Add(time.Hour), Healthy: true, Packages: 3,
		Findings: vulnFindings(Vulnerability{VulnID: "CVE-9", Package: "p", Severity: "low"}), SBOM: []byte("new"), Report: []byte("{}")}
	must(t, s.SaveScan(ctx, later, 0))
	older := ScanResult{ImageID: id, ScannedAt: at.Add(30 * time.Minute), Findings: r.Findings, SBOM: []byte("old")}
	must(t, s.SaveScan(ctx, older, 0))
	im = getImage(t, s, id)
	got, _ = s.ImageVulnerabilities(ctx, id)
	sbom, _ = s.ScanSBOM(ctx, id)
	if !im.Healthy || im.Packages != 3 || im.Counts != (Counts{}) || !im.ScannedAt.Equal(later.ScannedAt) || len(got) != 1 || string(sbom) != "new" ||
		count(t, s, "SELECT COUNT(*) FROM findings WHERE image_id = ? AND kind = 'misconfiguration'", id) != 1 {
		t.Errorf("after a later and an older scan: %+v, %d vulns, sbom %q", im, len(got), sbom)
	}

	// Many findings go in several statements.
	many := make([]Vulnerability, 1234)
	for i := range many {
		many[i] = Vulnerability{VulnID: fmt.Sprintf("CVE-2000-%04d", i), Package: "p", Severity: "medium"}
	}
	must(t, s.SaveScan(ctx, ScanResult{ImageID: id, ScannedAt: at.Add(2 * time.Hour), Findings: vulnFindings(many...)}, 0))
	got, _ = s.ImageVulnerabilities(ctx, id)
	if len(got) != len(many) {
		t.Errorf("saved %d findings, read %d", len(many), len(got))
	}
	// A zero ScannedAt is now.
	must(t, s.SaveScan(ctx, ScanResult{ImageID: id, ScannedAt: time.Time{}}, 0))
	wantErr(t, "SaveScan of a missing image", s.SaveScan(ctx, ScanResult{ImageID: 9999}, 0), ErrNotFound)

	// With a job, the job completes.
	jobID, err := s.Enqueue(ctx, Job{Kind: "scan", ImageID: id})
	must(t, err)
	j, err := s.Claim(ctx, "w1", time.Minute)
	must(t, err)
	if j == nil || j.ID != jobID {
		t.Fatalf("Claim = %+v, want job %d", j, jobID)
	}
	must(t, s.SaveScan(ctx, ScanResult{ImageID: id, ScannedAt: t0.Add(24 * time.Hour), Healthy: true}, jobID))
	if q, _ := s.QueueStats(ctx); q != (QueueStats{Done: 1}) {
		t.Errorf("QueueStats after SaveScan with the job = %+v, want one done", q)
	}
}

// testSaveScanAtomic makes SaveScan fail at its last step (completing a
// job that does not exist) and checks that nothing it wrote before stayed.
func testSaveScanAtomic(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	reg := mkRegistry(t, s, "r")
	id := mkImage(t, s, reg.ID, "app", "sha256:a", "v1", t0)
	first := ScanResult{ImageID: id, ScannedAt: t0, Healthy: true, Packages: 5, SBOM: []byte("sbom1"), Report: []byte("r1"),
		Findings: vulnFindings(Vulnerability{VulnID: "CVE-1", Package: "a", Severity: "low"})}
	must(t, s.SaveScan(ctx, first, 0))
	before := getImage(t, s, id)

	second := ScanResult{ImageID: id, ScannedAt: t0.Add(time.Hour), Packages: 9, Counts: Counts{Critical: 3}, SBOM: []byte("sbom2"), Report: []byte("r2"),
		Findings: vulnFindings(Vulnerability{VulnID: "CVE-2", Package: "b", Severity: "critical"}, Vulnerability{VulnID: "CVE-3", Package: "c", Severity: "critical"})}
	err := s.SaveScan(ctx, second, 424242)
	wantErr(t, "SaveScan with a missing job", err, ErrNotFound)

	deepEqual(t, "image after a failed SaveScan", getImage(t, s, id), before)
	vulns, _ := s.ImageVulnerabilities(ctx, id)
	sbom, _ := s.ScanSBOM(ctx, id)
	report, _ := s.ScanReport(ctx, id)
	if len(vulns) != 1 || vulns[0].VulnID != "CVE-1" || string(sbom) != "sbom1" || string(report) != "r1" {
		t.Errorf("after a failed SaveScan: vulns %+v, sbom %q, report %q; want the first scan's", vulns, sbom, report)
	}

	// A cancelled context leaves nothing either.
	cctx, cancel := contextWithCancel()
	cancel()
	if err := s.SaveScan(cctx, second, 0); err == nil {
		t.Error("SaveScan with a cancelled context succeeded")
	}
	deepEqual(t, "image after a cancelled SaveScan", getImage(t, s, id), before)
}

func testEachSBOM(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	reg := mkRegistry(t, s, "r")
	var want []int64
	for i := range 40 {
		id := mkImage(t, s, reg.ID, "app", "sha256:"+itoa(int64(i)), "", t0)
		switch {
		case i%7 == 3: // never scanned
		case i%11 == 5: // scanned, then deleted
			must(t, s.SaveScan(ctx, ScanResult{ImageID: id, SBOM: []byte("x")}, 0))
			_, err := s.writer().exec(ctx, "UPDATE images SET deleted = TRUE WHERE id = ?", id)
			must(t, err)
		default:
			must(t, s.SaveScan(ctx, ScanResult{ImageID: id, ScannedAt: t0, SBOM: []byte("sbom-" + itoa(id))}, 0))
			want = append(want, id)
		}
	}
	var got []int64
	err := s.EachSBOM(ctx, func(id int64, sbom []byte) error {
		if string(sbom) != "sbom-"+itoa(id) {
			t.Errorf("image %d: sbom %q", id, sbom)
		}
		got = append(got, id)
		// fn may write through the store while EachSBOM runs (re-matching
		// saves new results).
		return s.SaveScan(ctx, ScanResult{ImageID: id, ScannedAt: t0.Add(time.Hour), SBOM: sbom}, 0)
	})
	must(t, err)
	deepEqual(t, "EachSBOM images", got, want)

	stop := errors.New("stop")
	calls := 0
	err = s.EachSBOM(ctx, func(int64, []byte) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("EachSBOM with a failing fn: err %v after %d calls", err, calls)
	}
}

func testTotals(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	got, err := s.Totals(ctx)
	must(t, err)
	deepEqual(t, "Totals of an empty store", got, Totals{})
	reg := mkRegistry(t, s, "r")
	scans := []struct {
		healthy bool
		counts  Counts
		fixable int
		deleted bool
	}{
		{true, Counts{}, 0, false},
		{false, Counts{Critical: 1, High: 2, Medium: 3, Low: 4, Informational: 5, Unknown: 6}, 7, false},
		{false, Counts{High: 10}, 3, false},
		{false, Counts{Critical: 100}, 100, true},
	}
	for i, sc := range scans {
		id := mkImage(t, s, reg.ID, "app", "sha256:"+itoa(int64(i)), "", t0)
		must(t, s.SaveScan(ctx, ScanResult{ImageID: id, Healthy: sc.healthy, Counts: sc.counts, Fixable: sc.fixable}, 0))
		if sc.deleted {
			_, err := s.writer().exec(ctx, "UPDATE images SET deleted = TRUE WHERE id = ?", id)
			must(t, err)
		}
	}
	mkImage(t, s, reg.ID, "app", "sha256:unscanned", "", t0)
	got, err = s.Totals(ctx)
	must(t, err)
	deepEqual(t, "Totals", got, Totals{Images: 4, Healthy: 1, Unhealthy: 2, Unscanned: 1,
		Counts: Counts{Critical: 1, High: 12, Medium: 3, Low: 4, Informational: 5, Unknown: 6}, Fixable: 10})
	mkImage(t, s, reg.ID, "base", "sha256:base", "", t0.Add(time.Hour))
	repos, err := s.Repositories(ctx)
	must(t, err)
	deepEqual(t, "Repositories", repos, []RepositorySummary{
		{RegistryID: reg.ID, Repository: "app", Images: 4, Unhealthy: 2, LastSeen: t0},
		{RegistryID: reg.ID, Repository: "base", Images: 1, LastSeen: t0.Add(time.Hour)},
	})
}

func testHistory(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	d1 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	records := []DayCounts{
		{Day: d1.Add(3 * time.Hour), Counts: Counts{High: 1}, Images: 1},
		{Day: d1.Add(23 * time.Hour), Counts: Counts{High: 2}, Images: 2, Unhealthy: 1},                          // same day, later: wins
		{Day: time.Date(2025, 1, 3, 1, 0, 0, 0, time.FixedZone("X", 5*3600)), Counts: Counts{Low: 4}, Images: 4}, // 2025-01-02 20:00 UTC
		{Day: d1.Add(-24 * time.Hour), Images: 9},
	}
	for _, r := range records {
		must(t, s.RecordDay(ctx, r))
	}
	tests := []struct {
		since time.Time
		want  []DayCounts
	}{
		{d1.Add(12 * time.Hour), []DayCounts{
			{Day: d1, Counts: Counts{High: 2}, Images: 2, Unhealthy: 1},
			{Day: d1.Add(24 * time.Hour), Counts: Counts{Low: 4}, Images: 4},
		}},
		{d1.Add(36 * time.Hour), []DayCounts{{Day: d1.Add(24 * time.Hour), Counts: Counts{Low: 4}, Images: 4}}},
		{d1.Add(72 * time.Hour), nil},
	}
	for _, tt := range tests {
		got, err := s.History(ctx, tt.since)
		must(t, err)
		deepEqual(t, "History since "+tt.since.String(), got, tt.want)
	}
	all, _ := s.History(ctx, time.Time{})
	if len(all) != 3 || !all[0].Day.Equal(d1.Add(-24*time.Hour)) {
		t.Errorf("History since the zero time = %+v", all)
	}
}
