package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// noSysAdminCapability implements Azure Policy's "Kubernetes clusters
// should not grant CAP_SYS_ADMIN security capabilities": Azure's
// disallowed-capabilities template with the list fixed to SYS_ADMIN.
var noSysAdminCapability = &policy.Rule{
	ID:       "k8s.noSysAdminCapability",
	Title:    "Kubernetes clusters should not grant CAP_SYS_ADMIN security capabilities",
	Severity: finding.SeverityHigh, // Defender rates it high.
	Rationale: "CAP_SYS_ADMIN allows mounting filesystems, using bpf, setns and much of what root can do; " +
		"most published container escapes start from it.",
	Remediation: "Remove SYS_ADMIN (and ALL) from securityContext.capabilities.add; grant the narrower capability " +
		"the process needs instead.",
	References: policy.References{
		Azure: "d2e7ea85-6b44-4317-a0be-1b951587f626",
		CIS:   "5.2.9",
		URLs:  []string{"https://man7.org/linux/man-pages/man7/capabilities.7.html"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		forbidden := map[string]bool{"SYS_ADMIN": true}
		var vs []policy.Violation
		for _, c := range in.Containers() {
			vs = append(vs, forbiddenAdds(c, forbidden)...)
		}
		return vs, nil
	}),
}
