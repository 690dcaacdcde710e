package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// allowedSysctls implements Azure Policy's "Kubernetes cluster containers
// should use only allowed sysctl interfaces" (the allowed half of
// Gatekeeper's k8spspforbiddensysctls). As in Gatekeeper, an unset list
// allows every sysctl and an empty list allows none; Azure makes the
// parameter required, so an assignment always sets it.
var allowedSysctls = &policy.Rule{
	ID:       "k8s.allowedSysctls",
	Title:    "Kubernetes cluster containers should use only allowed sysctl interfaces",
	Severity: finding.SeverityMedium,
	Rationale: "Listing the sysctls pods may set (the Pod Security Standards' safe set, say) keeps pods from " +
		"changing kernel settings that are not namespaced and so act on the whole node.",
	Remediation: "Remove sysctls that are not allowed from spec.securityContext.sysctls, or add them to allowedSysctls.",
	References: policy.References{
		Azure: "5e5a0673-649e-4d50-bf9d-5a387a4e2081",
		URLs: []string{"https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/",
			"https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{
		{Name: "allowedSysctls", Default: []string(nil),
			Doc: "Sysctl names or prefixes ending in \"*\" that pods may set; \"*\" allows all, an empty list none. Unset allows all."},
	},
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		allowed := in.Params.Strings("allowedSysctls")
		if allowed == nil {
			return nil, nil
		}
		return sysctlViolations(in.Object.Pod, func(name string) (string, bool) {
			return "is not allowed", !policy.MatchAny(allowed, name)
		}), nil
	}),
}
