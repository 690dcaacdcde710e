package workload

import (
	"context"
	"maps"
	"slices"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// noAKSSpecificLabels implements Azure Policy's "No AKS Specific Labels"
// (template restricted-labels v1): only the allowed users and groups may
// put a reserved label on a Pod, Node, Service, Deployment, StatefulSet or
// ReplicaSet. Labels match exactly, or by prefix when the pattern ends in
// "*" ("kubernetes.azure.com/*"). A workload's pod template counts too,
// since the pods it makes carry those labels (and their creator, the
// controller, is not the user who asked).
var noAKSSpecificLabels = &policy.Rule{
	ID:       "k8s.noAKSSpecificLabels",
	Title:    "No AKS Specific Labels",
	Severity: finding.SeverityLow,
	Rationale: "The platform uses reserved labels to mark the components and nodes it owns; a user copying them can " +
		"steer system workloads or make their own pods look like the platform's.",
	Remediation: "Remove the reserved label; use a label of your own prefix instead.",
	References: policy.References{
		Azure: "a22123bd-b9da-4c86-9424-24903e91fd55",
		URLs:  []string{"https://learn.microsoft.com/azure/aks/deployment-safeguards"},
	},
	Effect: policy.EffectAudit,
	Kinds:  []string{"Pod", "Node", "Service", "Deployment", "StatefulSet", "ReplicaSet"},
	Params: []policy.Param{
		{Name: "labels", Default: []string{}, Doc: `Reserved label keys; a trailing * matches a prefix ("kubernetes.azure.com/*").`},
		{Name: "allowedUsers", Default: []string{}, Doc: "Users that may set reserved labels; a trailing * matches a prefix."},
		{Name: "allowedGroups", Default: []string{}, Doc: "Groups whose members may set reserved labels; a trailing * matches a prefix."},
	},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		reserved := in.Params.Strings("labels")
		if len(reserved) == 0 || allowedRequester(in.Request, in.Params.Strings("allowedUsers"), in.Params.Strings("allowedGroups")) {
			return nil, nil
		}
		vs := reservedLabels(reserved, "metadata", in.Object.Meta.Labels)
		if p := in.Object.Pod; p != nil && p.MetaPath != "metadata" {
			vs = append(vs, reservedLabels(reserved, p.MetaPath, p.Labels())...)
		}
		return vs, nil
	},
}

func reservedLabels(reserved []string, base string, labels map[string]string) []policy.Violation {
	var vs []policy.Violation
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		if policy.MatchAny(reserved, k) {
			vs = append(vs, policy.Violation{Path: keyPath(base, "labels", k), Message: "label " + k + " is reserved for the platform"})
		}
	}
	return vs
}
