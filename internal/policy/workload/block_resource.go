package workload

import (
	"context"
	"slices"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// blockResource implements Azure Policy's "Kubernetes clusters should
// restrict creation of given resource type" (template block-resource v1,
// preview): any object of the configured kind in one of the configured
// API groups fails, in the namespaces the rule's scope covers. The engine
// runs it on the configured kind only (KindParam), so by default on none.
var blockResource = &policy.Rule{
	ID:       "k8s.blockResource",
	Title:    "Kubernetes clusters should restrict creation of given resource type",
	Severity: finding.SeverityMedium,
	Rationale: "Some kinds (those only the platform team should create, or the CRDs of a retired operator) are not meant " +
		"for every namespace; refusing them keeps the platform's boundaries where they were drawn.",
	Remediation: "Do not create this kind here; ask the platform team for the sanctioned alternative.",
	References: policy.References{
		Azure: "b81f454c-eebb-4e4f-9dfe-dca060e8a8fd",
		URLs:  []string{"https://aka.ms/kubepolicydoc"},
	},
	Effect:    policy.EffectAudit,
	KindParam: "kind",
	Params: []policy.Param{
		{Name: "kind", Default: "", Doc: `Kind to refuse ("Pod"), case-sensitive. Empty refuses nothing.`},
		{Name: "apiGroups", Default: []string{""}, Doc: `API groups of the kind ("" is the core group, "*" any group).`},
	},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		o := in.Object
		groups := in.Params.Strings("apiGroups")
		if !slices.Contains(groups, o.Group()) && !slices.Contains(groups, "*") {
			return nil, nil
		}
		return []policy.Violation{{Path: "kind",
			Message: o.Kind + " objects (" + o.APIVersion + ") may not be created here"}}, nil
	},
}
