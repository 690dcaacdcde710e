package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// noPrivilege implements Azure Policy's "Kubernetes cluster should not
// allow privileged containers" (Gatekeeper's k8spspprivilegedcontainer):
// every container, init and ephemeral ones included; a pod UPDATE is not
// judged again (see exceptPodUpdate).
var noPrivilege = &policy.Rule{
	ID:       "k8s.noPrivilege",
	Title:    "Kubernetes cluster should not allow privileged containers",
	Severity: finding.SeverityHigh,
	Rationale: "A privileged container has every capability and every device of the node; " +
		"a process that escapes it owns the node.",
	Remediation: "Remove securityContext.privileged (or set it to false) and grant only the capabilities the container needs.",
	References: policy.References{
		Azure: "95edb821-ddaf-4404-9732-666045e056b4",
		CIS:   "5.2.2",
		URLs:  []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"},
	},
	Effect: policy.EffectDeny,
	Kinds:  policy.PodKinds(),
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		var vs []policy.Violation
		for _, c := range in.Containers() {
			if sc := c.SecurityContext; sc != nil && sc.Privileged != nil && *sc.Privileged {
				vs = append(vs, policy.Violation{Path: c.Field("securityContext.privileged"), Container: c.Name,
					Message: "container " + c.Name + " is privileged"})
			}
		}
		return vs, nil
	}),
}
