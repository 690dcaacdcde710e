package store

import (
	"context"
	"fmt"

	"github.com/bulwarksec/bulwark/internal/finding"
)

// Vulnerability is one vulnerability finding of an image's last scan as
// the recommendations (and through them the API) list it: a view of the
// finding and its finding.Vulnerability detail.
type Vulnerability struct {
	ImageID   int64
	VulnID    string
	Aliases   []string
	Package   string
	PkgType   string // deb, apk, rpm, pypi, npm, golang, ...
	Installed string
	Fixed     string
	Severity  string // critical, high, medium, low, informational, unknown
	Score     float64
	Status    string // fixed, affected, wont-fix, could-not-compare
	Title     string
	Layer     string
	Path      string
}

// byScore is the order of ImageVulnerabilities. Ties keep the order the
// scan listed them in (the matcher lists one advisory's packages by name).
const byScore = " ORDER BY sev_rank DESC, score DESC, rule_id, id"

// ImageVulnerabilities lists the vulnerability findings of the image's
// last scan, most severe first (then by score, descending, and ID).
func (s *Store) ImageVulnerabilities(ctx context.Context, imageID int64) ([]Vulnerability, error) {
	fs, err := s.findings(ctx, "WHERE image_id = ? AND kind = ?"+byScore, imageID, string(finding.KindVulnerability))
	if err != nil {
		return nil, fmt.Errorf("vulnerabilities of image %d: %w", imageID, err)
	}
	var out []Vulnerability
	for _, f := range fs {
		out = append(out, vulnerabilityOf(imageID, f))
	}
	return out, nil
}

// vulnerabilityOf is the view of f, a vulnerability finding of the image.
func vulnerabilityOf(imageID int64, f finding.Finding) Vulnerability {
	v := Vulnerability{ImageID: imageID, VulnID: f.RuleID, Severity: f.Severity.String(), Title: f.Title,
		Layer: f.Location.Layer, Path: f.Location.Path}
	if d := f.Vulnerability; d != nil {
		v.Aliases, v.Package, v.PkgType = d.Aliases, d.Package.Name, d.Package.Type
		v.Installed, v.Fixed, v.Score, v.Status = d.Installed, d.Fixed, d.Score, d.Fix
	}
	return v
}

// ScanReport returns the report of the image's last scan; ErrNotFound when
// it was never scanned.
func (s *Store) ScanReport(ctx context.Context, imageID int64) ([]byte, error) {
	return s.scanBlob(ctx, imageID, "report")
}

// ScanSBOM returns the SBOM of the image's last scan; ErrNotFound when it
// was never scanned.
func (s *Store) ScanSBOM(ctx context.Context, imageID int64) ([]byte, error) {
	return s.scanBlob(ctx, imageID, "sbom")
}

func (s *Store) scanBlob(ctx context.Context, imageID int64, col string) ([]byte, error) {
	var b []byte
	if err := s.reader().row(ctx, "SELECT "+col+" FROM scans WHERE image_id = ?", imageID).Scan(&b); err != nil {
		return nil, fmt.Errorf("%s of image %d: %w", col, imageID, notFound(err))
	}
	return b, nil
}

// EachSBOM calls fn with the SBOM of every scanned image that is not
// deleted, in ID order. It reads a few at a time and holds no connection
// while fn runs, so fn may use the store; an error from fn stops it and
// is returned.
func (s *Store) EachSBOM(ctx context.Context, fn func(imageID int64, sbom []byte) error) error {
	const batch = 16
	type item struct {
		id   int64
		sbom []byte
	}
	after := int64(0)
	for {
		rows, err := s.reader().query(ctx, `SELECT s.image_id, s.sbom FROM scans s JOIN images i ON i.id = s.image_id
			WHERE s.image_id > ? AND i.deleted = FALSE AND i.health <> 'unscanned' ORDER BY s.image_id LIMIT ?`, after, batch)
		if err != nil {
			return fmt.Errorf("each sbom: %w", err)
		}
		var items []item
		for rows.Next() {
			var it item
			if err := rows.Scan(&it.id, &it.sbom); err != nil {
				rows.Close()
				return fmt.Errorf("each sbom: %w", err)
			}
			items = append(items, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("each sbom: %w", err)
		}
		for _, it := range items {
			if err := fn(it.id, it.sbom); err != nil {
				return err
			}
		}
		if len(items) < batch {
			return nil
		}
		after = items[len(items)-1].id
	}
}
