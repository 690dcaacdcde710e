package workload

import (
	"context"
	"fmt"
	"strconv"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// reservedSystemPoolTaints implements Azure Policy's "Reserved System Pool
// Taints" (template restricted-taints v2): a taint whose key matches one of
// the reserved patterns (regular expressions, as in the template) is only
// allowed on nodes of the system pool. AKS marks those with
// kubernetes.azure.com/mode=system; systemPoolSelector lets other
// platforms name theirs.
var reservedSystemPoolTaints = &policy.Rule{
	ID:       "k8s.reservedSystemPoolTaints",
	Title:    "Reserved System Pool Taints",
	Severity: finding.SeverityLow,
	Rationale: "The platform keeps its own components apart with reserved taints (CriticalAddonsOnly); the taint on " +
		"a user pool evicts user pods that do not tolerate it and blurs which nodes run system components.",
	Remediation: "Remove the reserved taint from nodes outside the system pool; use a taint of your own for user pools.",
	References: policy.References{
		Azure: "48940d92-ff05-449e-9111-e742d9280451",
		URLs:  []string{"https://learn.microsoft.com/azure/aks/use-system-pools"},
	},
	Effect: policy.EffectAudit,
	Kinds:  []string{"Node"},
	Params: []policy.Param{
		{Name: "reservedTaints", Default: []string{}, Doc: "Regular expressions (RE2, unanchored) of taint keys reserved for the system pool, e.g. CriticalAddonsOnly."},
		{Name: "systemPoolSelector", Default: "kubernetes.azure.com/mode in (system,System)",
			Doc: "Label selector of the system pool's nodes (Bulwark's addition; the default is AKS's label)."},
	},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		node := in.Object.Typed.(*corev1.Node)
		sel, err := labels.Parse(in.Params.String("systemPoolSelector"))
		if err != nil {
			return nil, fmt.Errorf("parameter systemPoolSelector: %w", err)
		}
		if sel.Matches(labels.Set(node.Labels)) {
			return nil, nil
		}
		return reservedTaintViolations(node, in.Params.Strings("reservedTaints"))
	},
}

func reservedTaintViolations(node *corev1.Node, patterns []string) ([]policy.Violation, error) {
	var vs []policy.Violation
	for _, p := range patterns {
		re, err := compileRegex("reservedTaints", p)
		if err != nil {
			return nil, err
		}
		for i, t := range node.Spec.Taints {
			if re.MatchString(t.Key) {
				vs = append(vs, policy.Violation{Path: "spec.taints[" + strconv.Itoa(i) + "].key",
					Message: "taint " + t.Key + " is reserved for the system pool"})
			}
		}
	}
	return vs, nil
}
