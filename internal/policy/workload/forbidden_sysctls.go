package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// forbiddenSysctls implements Azure Policy's "Kubernetes cluster
// containers should not use forbidden sysctl interfaces" (the forbidden
// half of Gatekeeper's k8spspforbiddensysctls; Azure makes the allowed
// half its own definition, k8s.allowedSysctls).
var forbiddenSysctls = &policy.Rule{
	ID:       "k8s.forbiddenSysctls",
	Title:    "Kubernetes cluster containers should not use forbidden sysctl interfaces",
	Severity: finding.SeverityMedium,
	Rationale: "Sysctls that are not namespaced change the whole node's kernel (memory, networking, limits), " +
		"so a pod that sets them can weaken or starve its neighbours.",
	Remediation: "Remove the forbidden sysctls from spec.securityContext.sysctls, or tune them on the node instead.",
	References: policy.References{
		Azure: "56d0a13f-712f-466b-8416-56fb354fb823",
		URLs:  []string{"https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{
		{Name: "forbiddenSysctls", Default: []string(nil),
			Doc: "Sysctl names or prefixes ending in \"*\" that pods may not set; \"*\" forbids all. Unset forbids none."},
	},
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		forbidden := in.Params.Strings("forbiddenSysctls")
		return sysctlViolations(in.Object.Pod, func(name string) (string, bool) {
			return "is forbidden", policy.MatchAny(forbidden, name)
		}), nil
	}),
}
