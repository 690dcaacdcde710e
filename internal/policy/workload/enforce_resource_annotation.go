package workload

import (
	"context"
	"fmt"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// enforceResourceAnnotation implements Azure Policy's "Kubernetes
// resources should have required annotations" (template
// enforce-required-annotation v1, Gatekeeper's requiredannotations): an
// object of the configured kind carries each annotation, with a value
// matching its regular expression. The parameter keeps Azure's shape
// ({"annotations": [{"key", "allowedRegex"}]}) so an assignment's values
// can be copied. The engine runs it on the configured kind only
// (KindParam). Azure matches the kind in the core API group only; here
// any group's kind of that name is checked.
var enforceResourceAnnotation = &policy.Rule{
	ID:       "k8s.enforceResourceAnnotation",
	Title:    "Kubernetes resources should have required annotations",
	Severity: finding.SeverityInformational,
	Rationale: "Required annotations carry ownership, runbooks and contact data that operators and tools rely on " +
		"when something goes wrong.",
	Remediation: "Add the required annotations, with values matching their allowed patterns, to metadata.annotations.",
	References: policy.References{
		Azure: "9a5f4e39-e427-4d5d-ae73-93db00328bec",
		URLs:  []string{"https://aka.ms/kubepolicydoc"},
	},
	Effect:    policy.EffectAudit,
	KindParam: "kind",
	Params: []policy.Param{
		{Name: "kind", Default: "", Doc: `Kind the annotations are required on ("Service"), case-sensitive. Empty checks nothing.`},
		{Name: "annotations", Default: map[string]any{"annotations": []any{}},
			Doc: `Required annotations as Azure writes them: {"annotations": [{"key": "owner", "allowedRegex": "^team-"}]}; an empty allowedRegex allows any value.`},
	},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		reqs, err := requiredAnnotations(in.Params.Object("annotations"))
		if err != nil {
			return nil, err
		}
		var vs []policy.Violation
		for _, r := range reqs {
			if v, bad, err := r.check(in.Object.Meta.Annotations); err != nil {
				return nil, err
			} else if bad {
				vs = append(vs, v)
			}
		}
		return vs, nil
	},
}

// requiredAnnotation is one entry of the annotations parameter.
type requiredAnnotation struct{ key, allowedRegex string }

func requiredAnnotations(p map[string]any) ([]requiredAnnotation, error) {
	list, ok := p["annotations"].([]any)
	if !ok && p["annotations"] != nil {
		return nil, fmt.Errorf("parameter annotations: want {\"annotations\": [...]}")
	}
	out := make([]requiredAnnotation, 0, len(list))
	for i, item := range list {
		m, _ := item.(map[string]any)
		key, _ := m["key"].(string)
		re, _ := m["allowedRegex"].(string)
		if key == "" {
			return nil, fmt.Errorf("parameter annotations: entry %d has no key", i)
		}
		out = append(out, requiredAnnotation{key: key, allowedRegex: re})
	}
	return out, nil
}

func (r requiredAnnotation) check(annotations map[string]string) (policy.Violation, bool, error) {
	v := policy.Violation{Path: keyPath("metadata", "annotations", r.key)}
	value, ok := annotations[r.key]
	if !ok {
		v.Message = "annotation " + r.key + " is missing"
		return v, true, nil
	}
	if r.allowedRegex == "" {
		return v, false, nil
	}
	re, err := compileRegex("annotations", r.allowedRegex)
	if err != nil {
		return v, false, err
	}
	v.Message = "annotation " + r.key + " value " + value + " does not match " + r.allowedRegex
	return v, !re.MatchString(value), nil
}
