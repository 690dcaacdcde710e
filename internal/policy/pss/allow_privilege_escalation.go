package pss

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// allowPrivilegeEscalation is the restricted control "Privilege Escalation":
// from v1.8, when the field was added, every container must set
// allowPrivilegeEscalation to false explicitly. From v1.25 Windows pods
// (spec.os.name: windows) are exempt: the field does not apply to them.
var allowPrivilegeEscalation = &policy.Rule{
	ID:       "pss.allowPrivilegeEscalation",
	Title:    "Privilege escalation must be disallowed",
	Severity: finding.SeverityMedium,
	Rationale: "Unless allowPrivilegeEscalation is false, a process can gain more privileges than its parent " +
		"through set-user-ID binaries or file capabilities.",
	Remediation: "Set securityContext.allowPrivilegeEscalation: false on every container.",
	References:  policy.References{PSS: "Privilege Escalation (restricted)", CIS: "5.2.6", URLs: []string{docURL + "#restricted"}},
	Level:       restricted,
	Kinds:       policy.PodKinds(),
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		if !in.PSS.AtLeast(8) || (in.PSS.AtLeast(25) && windowsPod(in.Object.Pod.Spec)) {
			return nil, nil
		}
		var vs []policy.Violation
		for _, c := range in.Containers() {
			if sc := c.SecurityContext; sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
				vs = append(vs, containerViolation(c, "securityContext.allowPrivilegeEscalation",
					"must set securityContext.allowPrivilegeEscalation=false"))
			}
		}
		return vs, nil
	},
}
