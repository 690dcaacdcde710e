package policy

import (
	"context"
	"fmt"

	"github.com/bulwarksec/bulwark/internal/finding"
)

// CheckDocuments evaluates manifests as CI does: every document against
// every enabled rule, outside admission. It returns the findings (kind
// misconfiguration) located at each document's source and line; a
// document that is not a Kubernetes object is an error naming its source
// and line, since a CI check that silently skipped it would pass wrongly.
func (e *Engine) CheckDocuments(ctx context.Context, docs []Document) ([]finding.Finding, error) {
	var out []finding.Finding
	for _, d := range docs {
		obj, err := Decode(d.JSON)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", d.Source, d.Line, err)
		}
		t := Target("", obj)
		for _, r := range e.Evaluate(ctx, obj, nil) {
			for _, f := range r.Findings(finding.KindMisconfiguration, t) {
				f.Location.Path, f.Location.Line = d.Source, d.Line
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// Problems keeps the findings a person acts on: failed, warned and
// errored rules (not passes and skips).
func Problems(fs []finding.Finding) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.Status == finding.StatusFail || f.Status == finding.StatusWarn || f.Status == finding.StatusError {
			out = append(out, f)
		}
	}
	return out
}
