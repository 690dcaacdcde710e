package store

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/testbed"
)

// TestMigrateDropVulnerabilities builds a database as migration 0003 left
// it, holding what that version's SaveScan wrote, opens it with every
// migration, and checks that 0004 kept each image's vulnerabilities, in
// order, dropped the old table, and left a store that works on.
func TestMigrateDropVulnerabilities(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testMigrate0004(t, filepath.Join(t.TempDir(), "db", "bulwark.db")) })
	t.Run("Postgres", func(t *testing.T) { testMigrate0004(t, testbed.Postgres(t)) })
}

func testMigrate0004(t *testing.T, dsn string) {
	old, err := connect(dsn)
	must(t, err)
	old.now = newClock().Now
	must(t, old.migrate(ctx, 3))
	reg := mkRegistry(t, old, "r")
	at := t0.Add(time.Hour)
	// app was scanned under 0003 (vulnerabilities and findings rows), base
	// before it (vulnerabilities rows only), web under 0003 with nothing.
	app := mkImage(t, old, reg.ID, "app", "sha256:a", "v1", t0)
	appVulns := []Vulnerability{
		{VulnID: "CVE-2024-0001", Aliases: []string{"DSA-1"}, Package: "libssl3", PkgType: "deb", Installed: "3.0.1", Fixed: "3.0.2",
			Severity: "critical", Score: 9.8, Status: "fixed", Title: "bad", Layer: "sha256:l1", Path: "/var/lib/dpkg/status"},
		{VulnID: "CVE-2024-0001", Aliases: []string{"DSA-1"}, Package: "openssl", PkgType: "deb", Installed: "3.0.1", Fixed: "3.0.2",
			Severity: "critical", Score: 9.8, Status: "fixed", Title: "bad", Layer: "sha256:l1", Path: "/var/lib/dpkg/status"},
		{VulnID: "CVE-2024-0002", Package: "curl", Severity: "high", Score: 7.5, Status: "affected"},
		{VulnID: "CVE-2024-0003", Package: "zlib", Severity: "high", Score: 8.1, Status: "wont-fix"},
		{VulnID: "CVE-2024-0004", Package: "tar", Severity: "unknown", Status: "could-not-compare"},
	}
	saveScan0003(t, old, app, appVulns, true, at)
	base := mkImage(t, old, reg.ID, "base", "sha256:b", "", t0)
	baseVulns := []Vulnerability{
		{VulnID: "GHSA-aaaa-bbbb-cccc", Aliases: []string{"CVE-2023-1", "PYSEC-2"}, Package: "requests", PkgType: "pypi",
			Installed: "2.0", Fixed: "2.31.0", Severity: "medium", Score: 6.1, Status: "fixed", Title: `a "quoted" title`,
			Layer: "sha256:l2", Path: "usr/lib/python3/dist-packages/odd \"name\"\\\n\t.dist-info/METADATA"},
		{VulnID: "CVE-2023-2", Package: "musl", PkgType: "apk", Installed: "1.2.3-r0", Severity: "medium", Score: 6.5, Status: "affected"},
		{VulnID: "CVE-2023-3", Package: "zlib", PkgType: "apk", Installed: "1.2.13-r0", Severity: "low", Status: "wont-fix"},
	}
	saveScan0003(t, old, base, baseVulns, false, at)
	web := mkImage(t, old, reg.ID, "web", "sha256:c", "", t0)
	saveScan0003(t, old, web, nil, true, at)
	appFindings, err := old.ImageFindings(ctx, app)
	must(t, err)
	must(t, old.Close())

	s := openTest(t, dsn)
	if n := count(t, s, "SELECT COUNT(*) FROM schema_migrations WHERE version = 4"); n != 1 {
		t.Fatalf("migration 0004 recorded %d times", n)
	}
	if _, err := s.writer().exec(ctx, "SELECT COUNT(*) FROM vulnerabilities"); err == nil {
		t.Error("the vulnerabilities table is still there")
	}
	wantVulns := func(id int64, order []int, vs []Vulnerability) {
		t.Helper()
		var want []Vulnerability
		for _, i := range order {
			v := vs[i]
			v.ImageID = id
			want = append(want, v)
		}
		got, err := s.ImageVulnerabilities(ctx, id)
		must(t, err)
		deepEqual(t, "vulnerabilities of image "+itoa(id)+" after 0004", got, want)
	}
	wantVulns(app, []int{0, 1, 3, 2, 4}, appVulns)
	wantVulns(base, []int{1, 0, 2}, baseVulns)
	wantVulns(web, nil, nil)
	got, err := s.ImageFindings(ctx, app)
	must(t, err)
	deepEqual(t, "findings of an image scanned under 0003", got, appFindings)
	baseFindings, err := s.ImageFindings(ctx, base)
	must(t, err)
	if f := baseFindings[1]; f.Status != finding.StatusFail || f.Remediation != "Upgrade requests to 2.31.0." ||
		f.Target != (finding.Target{Kind: finding.TargetImage, ID: "image:sha256:b", Name: "r:5000/base@sha256:b"}) || !f.Time.Equal(at) {
		t.Errorf("a finding made of a vulnerabilities row: %+v", f)
	}
	if f := baseFindings[2]; f.Status != finding.StatusWarn {
		t.Errorf("a wont-fix vulnerabilities row became a %s finding", f.Status)
	}
	if s.d.name == sqliteName {
		wantIndexedOrder(t, s)
	}

	// The store works on: a new scan replaces the findings made of old
	// rows, and deleting the registry deletes every image's findings.
	next := vulnFindings(Vulnerability{VulnID: "CVE-2025-1", Package: "musl", Severity: "high", Score: 7})
	must(t, s.SaveScan(ctx, ScanResult{ImageID: base, ScannedAt: at.Add(time.Hour), Findings: next}, 0))
	wantVulns(base, []int{0}, []Vulnerability{{VulnID: "CVE-2025-1", Package: "musl", Severity: "high", Score: 7}})
	must(t, s.DeleteRegistry(ctx, reg.ID))
	if n := count(t, s, "SELECT COUNT(*) FROM findings"); n != 0 {
		t.Errorf("%d findings left after deleting the registry", n)
	}
}

// saveScan0003 writes what SaveScan wrote under migration 0003: the scans
// row, vulnerabilities rows and, unless the scan predates 0003, the same
// results as findings rows.
func saveScan0003(t *testing.T, s *Store, id int64, vs []Vulnerability, withFindings bool, at time.Time) {
	t.Helper()
	must(t, s.tx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, "UPDATE images SET scanned_at = ?, health = 'unhealthy' WHERE id = ?", toDB(at), id); err != nil {
			return err
		}
		if _, err := c.exec(ctx, "INSERT INTO scans (image_id, scanned_at, sbom) VALUES (?, ?, ?)", id, toDB(at), []byte("sbom")); err != nil {
			return err
		}
		for _, v := range vs {
			if _, err := c.exec(ctx, `INSERT INTO vulnerabilities (image_id, vuln_id, aliases, package, pkg_type, installed, fixed,
				severity, sev_rank, score, status, title, layer, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, v.VulnID, encodeList(v.Aliases), v.Package, v.PkgType, v.Installed, v.Fixed,
				v.Severity, severityRank(v.Severity), v.Score, v.Status, v.Title, v.Layer, v.Path); err != nil {
				return err
			}
		}
		if !withFindings {
			return nil
		}
		for _, f := range vulnFindings(vs...) {
			loc, _ := json.Marshal(f.Location)
			detail, _ := json.Marshal(f.Vulnerability)
			if _, err := c.exec(ctx, `INSERT INTO findings (image_id, target_kind, target_id, target_name, kind, rule_id, status,
				severity, sev_rank, title, location, detail, observed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, string(f.Target.Kind), f.Target.ID, f.Target.Name, string(f.Kind), f.RuleID, string(f.Status),
				f.Severity.String(), severityRank(f.Severity.String()), f.Title, string(loc), string(detail), toDB(at)); err != nil {
				return err
			}
		}
		return nil
	}))
}

// wantIndexedOrder checks that SQLite reads an image's vulnerabilities
// through findings_image_kind, in its order, without sorting them.
func wantIndexedOrder(t *testing.T, s *Store) {
	t.Helper()
	rows, err := s.reader().query(ctx, "EXPLAIN QUERY PLAN "+findingSelect+"WHERE image_id = ? AND kind = ?"+byScore, 1, "vulnerability")
	must(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		must(t, rows.Scan(&id, &parent, &unused, &detail))
		plan = append(plan, detail)
	}
	must(t, rows.Err())
	p := strings.Join(plan, "; ")
	if !strings.Contains(p, "findings_image_kind") || strings.Contains(p, "TEMP B-TREE") {
		t.Errorf("query plan of ImageVulnerabilities: %s", p)
	}
}
