package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// noPrivilegeEscalation implements Azure Policy's "Kubernetes clusters
// should not allow container privilege escalation", version 8.
//
// With forcePrivilegeEscalationToBeFalse every container must set
// allowPrivilegeEscalation: false, as Gatekeeper's
// k8spspallowprivilegeescalationcontainer and the Pod Security Standards'
// restricted level require. Without it (Azure's default since version 8)
// the field need not be written out: a container fails when it sets the
// field to true, or leaves it unset while running as a non-root user
// (runAsUser above 0, on the container or the pod), which is where a
// setuid binary can escalate to root. Azure's template for version 8 is
// not published; this reading follows its parameter's documentation ("must
// explicitly be set to false regardless of the runAsUser field") and the
// behaviour reported for earlier versions.
var noPrivilegeEscalation = &policy.Rule{
	ID:       "k8s.noPrivilegeEscalation",
	Title:    "Kubernetes clusters should not allow container privilege escalation",
	Severity: finding.SeverityMedium, // Defender rates its recommendation medium.
	Rationale: "Without no_new_privs a process in the container can gain privileges through setuid and setgid " +
		"binaries or file capabilities, turning a foothold as an application user into root in the container.",
	Remediation: "Set securityContext.allowPrivilegeEscalation: false on every container.",
	References: policy.References{
		Azure: "1c6e92c9-99f0-4e55-9cf2-0c234dc48f99",
		CIS:   "5.2.6",
		URLs:  []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{
		{Name: "forcePrivilegeEscalationToBeFalse", Default: false,
			Doc: "Require allowPrivilegeEscalation: false on every container whatever its user, as the restricted Pod Security Standard does."},
	},
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		force := in.Params.Bool("forcePrivilegeEscalationToBeFalse")
		var vs []policy.Violation
		for _, c := range in.Containers() {
			if msg, bad := escalation(in.Object.Pod, c, force); bad {
				vs = append(vs, policy.Violation{Path: c.Field("securityContext.allowPrivilegeEscalation"), Container: c.Name,
					Message: "container " + c.Name + " " + msg})
			}
		}
		return vs, nil
	}),
}

// escalation says whether a container may escalate privileges under the
// rule's mode, and why.
func escalation(pod *policy.Pod, c policy.Container, force bool) (string, bool) {
	sc := c.SecurityContext
	switch {
	case sc != nil && sc.AllowPrivilegeEscalation != nil:
		return "sets allowPrivilegeEscalation: true", *sc.AllowPrivilegeEscalation
	case force:
		return "does not set allowPrivilegeEscalation: false", true
	}
	if uid, ok := effectiveRunAsUser(pod, c); ok && uid != 0 {
		return "runs as user " + itoa64(uid) + " without allowPrivilegeEscalation: false", true
	}
	return "", false
}
