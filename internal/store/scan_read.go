package store

import (
	"context"
	"fmt"
)

// ImageVulnerabilities lists the findings of the image's last scan, most
// severe first (then by score, descending, and ID).
func (s *Store) ImageVulnerabilities(ctx context.Context, imageID int64) ([]Vulnerability, error) {
	rows, err := s.reader().query(ctx, `SELECT vuln_id, aliases, package, pkg_type, installed, fixed, severity, score, status, title, layer, path
		FROM vulnerabilities WHERE image_id = ? ORDER BY sev_rank DESC, score DESC, vuln_id, package, id`, imageID)
	if err != nil {
		return nil, fmt.Errorf("vulnerabilities of image %d: %w", imageID, err)
	}
	defer rows.Close()
	var out []Vulnerability
	for rows.Next() {
		v := Vulnerability{ImageID: imageID}
		var aliases string
		if err := rows.Scan(&v.VulnID, &aliases, &v.Package, &v.PkgType, &v.Installed, &v.Fixed, &v.Severity, &v.Score,
			&v.Status, &v.Title, &v.Layer, &v.Path); err != nil {
			return nil, fmt.Errorf("vulnerabilities of image %d: %w", imageID, err)
		}
		v.Aliases = decodeList(aliases)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("vulnerabilities of image %d: %w", imageID, err)
	}
	return out, nil
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
