package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// disallowedCapabilities implements Azure Policy's "Kubernetes clusters
// should not use specific security capabilities" (Azure's
// container-disallowed-capabilities template): a container must not add a
// listed capability, nor ALL, which includes it.
var disallowedCapabilities = &policy.Rule{
	ID:       "k8s.disallowedCapabilities",
	Title:    "Kubernetes clusters should not use specific security capabilities",
	Severity: finding.SeverityMedium, // as allowed capabilities: which harm depends on the configured list.
	Rationale: "Some capabilities (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE) give a container most of " +
		"what it needs to escape or to attack its neighbours; a deny-list stops them where an allow-list " +
		"is not practical.",
	Remediation: "Remove the listed capabilities (and ALL) from securityContext.capabilities.add.",
	References: policy.References{
		Azure: "a27c700f-8a22-44ec-961c-41625264370b",
		CIS:   "5.2.9",
		URLs:  []string{"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{
		{Name: "disallowedCapabilities", Default: []string{},
			Doc: "Capabilities no container may add (\"*\" forbids every add); adding ALL counts as adding each."},
	},
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		forbidden := capSet(in.Params.Strings("disallowedCapabilities"))
		var vs []policy.Violation
		for _, c := range in.Containers() {
			vs = append(vs, forbiddenAdds(c, forbidden)...)
		}
		return vs, nil
	}),
}
