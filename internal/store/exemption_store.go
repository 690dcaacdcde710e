package store

import (
	"context"
	"fmt"
	"time"
)

// Exemption excuses a resource from a recommendation.
type Exemption struct {
	ID        int64
	Rule      string // recommendation ID, or "" for all
	Resource  string // asset ID such as "image:sha256:...", or "" for all resources
	Reason    string
	Expires   time.Time // zero: never
	CreatedAt time.Time
	CreatedBy string
}

// CreateExemption stores e, setting its ID and CreatedAt.
func (s *Store) CreateExemption(ctx context.Context, e *Exemption) error {
	created := s.nowTime()
	err := s.writer().row(ctx, `INSERT INTO exemptions (rule, resource, reason, expires, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		e.Rule, e.Resource, e.Reason, toDB(e.Expires), toDB(created), e.CreatedBy).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("create exemption of %q for %q: %w", e.Resource, e.Rule, err)
	}
	e.CreatedAt = created
	return nil
}

// Exemptions lists all exemptions, expired ones included, by ID.
func (s *Store) Exemptions(ctx context.Context) ([]Exemption, error) {
	rows, err := s.reader().query(ctx, "SELECT id, rule, resource, reason, expires, created_at, created_by FROM exemptions ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list exemptions: %w", err)
	}
	defer rows.Close()
	var out []Exemption
	for rows.Next() {
		var e Exemption
		var expires, created int64
		if err := rows.Scan(&e.ID, &e.Rule, &e.Resource, &e.Reason, &expires, &created, &e.CreatedBy); err != nil {
			return nil, fmt.Errorf("list exemptions: %w", err)
		}
		e.Expires, e.CreatedAt = fromDB(expires), fromDB(created)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list exemptions: %w", err)
	}
	return out, nil
}

// DeleteExemption removes an exemption; ErrNotFound when there is none.
func (s *Store) DeleteExemption(ctx context.Context, id int64) error {
	if err := execOne(ctx, s.writer(), "DELETE FROM exemptions WHERE id = ?", id); err != nil {
		return fmt.Errorf("delete exemption %d: %w", id, err)
	}
	return nil
}

// FindingRule disables vulnerability findings: one vulnerability ID, or
// all at or below a severity.
type FindingRule struct {
	ID          int64
	VulnID      string // the vulnerability ID to disable ("" for any)
	MaxSeverity string // disable findings at or below this severity ("" for none)
	Reason      string
	CreatedAt   time.Time
}

// CreateFindingRule stores r, setting its ID and CreatedAt.
func (s *Store) CreateFindingRule(ctx context.Context, r *FindingRule) error {
	created := s.nowTime()
	err := s.writer().row(ctx, "INSERT INTO finding_rules (vuln_id, max_severity, reason, created_at) VALUES (?, ?, ?, ?) RETURNING id",
		r.VulnID, r.MaxSeverity, r.Reason, toDB(created)).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("create finding rule (%q, %q): %w", r.VulnID, r.MaxSeverity, err)
	}
	r.CreatedAt = created
	return nil
}

// FindingRules lists all finding rules by ID.
func (s *Store) FindingRules(ctx context.Context) ([]FindingRule, error) {
	rows, err := s.reader().query(ctx, "SELECT id, vuln_id, max_severity, reason, created_at FROM finding_rules ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list finding rules: %w", err)
	}
	defer rows.Close()
	var out []FindingRule
	for rows.Next() {
		var r FindingRule
		var created int64
		if err := rows.Scan(&r.ID, &r.VulnID, &r.MaxSeverity, &r.Reason, &created); err != nil {
			return nil, fmt.Errorf("list finding rules: %w", err)
		}
		r.CreatedAt = fromDB(created)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list finding rules: %w", err)
	}
	return out, nil
}

// DeleteFindingRule removes a finding rule; ErrNotFound when there is none.
func (s *Store) DeleteFindingRule(ctx context.Context, id int64) error {
	if err := execOne(ctx, s.writer(), "DELETE FROM finding_rules WHERE id = ?", id); err != nil {
		return fmt.Errorf("delete finding rule %d: %w", id, err)
	}
	return nil
}
