package store

import (
	"database/sql"
	"encoding/json"
	"time"

	"github.com/bulwarksec/bulwark/internal/finding"
)

// findingArgs are the stored columns of f from target_kind to observed_at
// (at, unless f has its own time), in insertFindings' order. score is the
// detail's, a column so that queries order by it.
func findingArgs(f finding.Finding, at time.Time) ([]any, error) {
	loc, err := json.Marshal(f.Location)
	if err != nil {
		return nil, err
	}
	evidence, err := encodeJSONOr(f.Evidence, len(f.Evidence) == 0, "{}")
	if err != nil {
		return nil, err
	}
	detail, err := encodeJSONOr(f.Vulnerability, f.Vulnerability == nil, "")
	if err != nil {
		return nil, err
	}
	if !f.Time.IsZero() {
		at = f.Time
	}
	sev, score := f.Severity.String(), 0.0
	if f.Vulnerability != nil {
		score = f.Vulnerability.Score
	}
	return []any{string(f.Target.Kind), f.Target.ID, f.Target.Name, string(f.Kind), f.RuleID, string(f.Status), sev,
		severityRank(sev), score, f.Title, string(loc), evidence, f.Remediation, encodeList(f.References), encodeList(f.Tags),
		detail, toDB(at)}, nil
}

// encodeJSONOr is v as JSON, or empty when none.
func encodeJSONOr(v any, none bool, empty string) (string, error) {
	if none {
		return empty, nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// findingSelect reads the columns scanFinding takes.
const findingSelect = `SELECT target_kind, target_id, target_name, kind, rule_id, status, severity, title,
	location, evidence, remediation, refs, tags, detail, observed_at FROM findings `

// scanFinding reads one row of findingSelect.
func scanFinding(rows *sql.Rows) (finding.Finding, error) {
	var f finding.Finding
	var sev, loc, evidence, refs, tags, detail string
	var at int64
	if err := rows.Scan(&f.Target.Kind, &f.Target.ID, &f.Target.Name, &f.Kind, &f.RuleID, &f.Status, &sev, &f.Title,
		&loc, &evidence, &f.Remediation, &refs, &tags, &detail, &at); err != nil {
		return f, err
	}
	f.Severity, _ = finding.ParseSeverity(sev) // "unknown" reads as the zero value
	f.References, f.Tags, f.Time = decodeList(refs), decodeList(tags), fromDB(at)
	if err := json.Unmarshal([]byte(loc), &f.Location); err != nil {
		return f, err
	}
	if evidence != "{}" {
		if err := json.Unmarshal([]byte(evidence), &f.Evidence); err != nil {
			return f, err
		}
	}
	if detail != "" {
		f.Vulnerability = &finding.Vulnerability{}
		return f, json.Unmarshal([]byte(detail), f.Vulnerability)
	}
	return f, nil
}
