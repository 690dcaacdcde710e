package policy

import (
	"github.com/bulwarksec/bulwark/internal/finding"
)

// Target names an object as a finding target: asset ID
// "k8s:<cluster>/<namespace>/<kind>/<name>" (namespace empty for
// cluster-scoped objects), name "<kind>/<namespace>/<name>".
func Target(cluster string, o *Object) finding.Target {
	ns := o.Namespace()
	name := o.Kind + "/" + o.Name()
	if ns != "" {
		name = o.Kind + "/" + ns + "/" + o.Name()
	}
	return finding.Target{Kind: finding.TargetWorkload, ID: "k8s:" + cluster + "/" + ns + "/" + o.Kind + "/" + o.Name(), Name: name}
}

// Findings turns a result into findings of the given kind: one per
// violation, or one for a rule that passed, was skipped or could not be
// evaluated.
func (r Result) Findings(kind finding.Kind, t finding.Target) []finding.Finding {
	base := finding.Finding{
		RuleID:      r.Rule.ID,
		Kind:        kind,
		Status:      r.Status,
		Severity:    r.Rule.Severity,
		Title:       r.Rule.Title,
		Target:      t,
		Remediation: r.Rule.Remediation,
		References:  r.Rule.References.List(),
		Evidence:    map[string]string{"effect": string(r.Effect)},
	}
	if r.Err != nil {
		base.Evidence["error"] = r.Err.Error()
	}
	if len(r.Violations) == 0 {
		return []finding.Finding{base}
	}
	out := make([]finding.Finding, len(r.Violations))
	for i, v := range r.Violations {
		f := base
		f.Location = finding.Location{JSONPath: v.Path}
		f.Evidence = map[string]string{"effect": string(r.Effect), "message": v.Message}
		if v.Container != "" {
			f.Evidence["container"] = v.Container
		}
		out[i] = f
	}
	return out
}
