package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bulwarksec/bulwark/internal/finding"
)

// ScanResult is everything one scan of an image produced.
type ScanResult struct {
	ImageID   int64
	ScannedAt time.Time
	OS        string
	Packages  int
	Healthy   bool
	Counts    Counts
	Fixable   int
	SBOM      []byte // opaque (zstd-compressed JSON), kept for re-matching
	// Findings are the scan's vulnerability findings, in the findings
	// table every engine shares (ImageVulnerabilities reads them back).
	Findings []finding.Finding
	Report   []byte // opaque: the full JSON report for the image page
}

// severityRank orders severities (the sev_rank column).
func severityRank(s string) int {
	switch strings.ToLower(s) {
	case "critical":
		return 5
	case "high":
		return 4
	case "medium":
		return 3
	case "low":
		return 2
	case "informational", "info", "negligible":
		return 1
	}
	return 0
}

// SaveScan replaces the image's vulnerability findings, SBOM and report and
// updates the image row (OS, Packages, ScannedAt, Scanned, Healthy, Counts,
// Fixable) in one transaction; when jobID != 0 the job is completed in the
// same transaction. A result older than the one stored only completes the
// job: the latest scan wins. A zero ScannedAt means now.
func (s *Store) SaveScan(ctx context.Context, r ScanResult, jobID int64) error {
	at := r.ScannedAt
	if at.IsZero() {
		at = s.nowTime()
	}
	err := s.tx(ctx, func(c conn) error {
		fresh, err := updateScannedImage(ctx, c, r, at)
		if err != nil {
			return err
		}
		if fresh {
			if err := replaceScan(ctx, c, r, at); err != nil {
				return err
			}
		}
		if jobID != 0 {
			return completeJob(ctx, c, jobID, s.nowTime())
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save scan of image %d: %w", r.ImageID, err)
	}
	return nil
}

// updateScannedImage writes the summary unless a later scan is stored;
// fresh says whether it did.
func updateScannedImage(ctx context.Context, c conn, r ScanResult, at time.Time) (fresh bool, err error) {
	health := healthUnhealthy
	if r.Healthy {
		health = healthHealthy
	}
	res, err := c.exec(ctx, `UPDATE images SET os = ?, packages = ?, scanned_at = ?, health = ?,
		c_critical = ?, c_high = ?, c_medium = ?, c_low = ?, c_info = ?, c_unknown = ?, fixable = ?
		WHERE id = ? AND scanned_at <= ?`,
		r.OS, r.Packages, toDB(at), health,
		r.Counts.Critical, r.Counts.High, r.Counts.Medium, r.Counts.Low, r.Counts.Informational, r.Counts.Unknown, r.Fixable,
		r.ImageID, toDB(at))
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return n == 1, err
	}
	var one int
	if err := c.row(ctx, "SELECT 1 FROM images WHERE id = ?", r.ImageID).Scan(&one); err != nil {
		return false, notFound(err)
	}
	return false, nil
}

func replaceScan(ctx context.Context, c conn, r ScanResult, at time.Time) error {
	if err := replaceImageFindings(ctx, c, r.ImageID, r.Findings, at); err != nil {
		return fmt.Errorf("insert findings: %w", err)
	}
	_, err := c.exec(ctx, `INSERT INTO scans (image_id, scanned_at, sbom, report) VALUES (?, ?, ?, ?)
		ON CONFLICT (image_id) DO UPDATE SET scanned_at = excluded.scanned_at, sbom = excluded.sbom, report = excluded.report`,
		r.ImageID, toDB(at), nullBytes(r.SBOM), nullBytes(r.Report))
	return err
}

// SaveSBOM keeps the SBOM of an image that could not be evaluated yet (no
// vulnerability data), so that a later attempt matches it without pulling
// the image again. An image already scanned keeps its stored SBOM; the
// image row stays unscanned.
func (s *Store) SaveSBOM(ctx context.Context, imageID int64, sbom []byte) error {
	_, err := s.writer().exec(ctx, `INSERT INTO scans (image_id, scanned_at, sbom) VALUES (?, 0, ?)
		ON CONFLICT (image_id) DO NOTHING`, imageID, nullBytes(sbom))
	if err != nil {
		return fmt.Errorf("save SBOM of image %d: %w", imageID, err)
	}
	return nil
}
