package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bulwarksec/bulwark/internal/finding"
)

// SaveFindings replaces the findings of kind about target (one that is not
// a stored image: a node, a workload, a cluster) with fs, in one
// transaction. Every finding of fs must be of that kind and target.
func (s *Store) SaveFindings(ctx context.Context, target finding.Target, kind finding.Kind, fs []finding.Finding) error {
	at := s.nowTime()
	err := s.tx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, "DELETE FROM findings WHERE image_id IS NULL AND target_kind = ? AND target_id = ? AND kind = ?",
			string(target.Kind), target.ID, string(kind)); err != nil {
			return err
		}
		return insertFindings(ctx, c, nil, fs, at)
	})
	if err != nil {
		return fmt.Errorf("save %s findings of %s: %w", kind, target.ID, err)
	}
	return nil
}

// replaceImageFindings replaces the findings of the image's last scan.
func replaceImageFindings(ctx context.Context, c conn, imageID int64, fs []finding.Finding, at time.Time) error {
	if _, err := c.exec(ctx, "DELETE FROM findings WHERE image_id = ? AND kind = ?", imageID, string(finding.KindVulnerability)); err != nil {
		return err
	}
	return insertFindings(ctx, c, &imageID, fs, at)
}

// findingCols are the columns insertFindings fills, one ? each.
const findingCols = 18

// insertFindings adds fs, many rows per statement.
func insertFindings(ctx context.Context, c conn, imageID *int64, fs []finding.Finding, at time.Time) error {
	const batch = 100
	row := "(" + placeholders(findingCols) + ")"
	for len(fs) > 0 {
		n := min(len(fs), batch)
		args := make([]any, 0, n*findingCols)
		for _, f := range fs[:n] {
			cols, err := findingArgs(f, at)
			if err != nil {
				return fmt.Errorf("finding %s: %w", f.RuleID, err)
			}
			args = append(append(args, imageID), cols...)
		}
		q := `INSERT INTO findings (image_id, target_kind, target_id, target_name, kind, rule_id, status, severity, sev_rank,
			score, title, location, evidence, remediation, refs, tags, detail, observed_at) VALUES ` +
			strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
		if _, err := c.exec(ctx, q, args...); err != nil {
			return err
		}
		fs = fs[n:]
	}
	return nil
}

// ImageFindings lists the findings of the image's last scan, most severe
// first (then by rule ID).
func (s *Store) ImageFindings(ctx context.Context, imageID int64) ([]finding.Finding, error) {
	fs, err := s.findings(ctx, "WHERE image_id = ?"+bySeverity, imageID)
	if err != nil {
		return nil, fmt.Errorf("findings of image %d: %w", imageID, err)
	}
	return fs, nil
}

// Findings lists the findings about a target that is not a stored image,
// most severe first (then by rule ID).
func (s *Store) Findings(ctx context.Context, target finding.Target) ([]finding.Finding, error) {
	fs, err := s.findings(ctx, "WHERE image_id IS NULL AND target_kind = ? AND target_id = ?"+bySeverity, string(target.Kind), target.ID)
	if err != nil {
		return nil, fmt.Errorf("findings of %s: %w", target.ID, err)
	}
	return fs, nil
}

// bySeverity is the order of ImageFindings and Findings.
const bySeverity = " ORDER BY sev_rank DESC, rule_id, id"

// findings reads the rows that match where, a WHERE and ORDER BY clause.
func (s *Store) findings(ctx context.Context, where string, args ...any) ([]finding.Finding, error) {
	rows, err := s.reader().query(ctx, findingSelect+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []finding.Finding
	for rows.Next() {
		f, err := scanFinding(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
