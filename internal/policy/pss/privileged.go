package pss

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// privileged is the baseline control "Privileged Containers": no container
// may set securityContext.privileged to true (all versions).
var privileged = &policy.Rule{
	ID:          "pss.privileged",
	Title:       "Privileged containers are disallowed",
	Severity:    finding.SeverityHigh,
	Rationale:   "Privileged Pods disable most security mechanisms and must be disallowed.",
	Remediation: "Unset securityContext.privileged or set it to false on every container.",
	References:  policy.References{PSS: "Privileged Containers (baseline)", CIS: "5.2.2", URLs: []string{docURL + "#baseline"}},
	Level:       baseline,
	Kinds:       policy.PodKinds(),
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		var vs []policy.Violation
		for _, c := range in.Containers() {
			if sc := c.SecurityContext; sc != nil && sc.Privileged != nil && *sc.Privileged {
				vs = append(vs, containerViolation(c, "securityContext.privileged", "must not set securityContext.privileged=true"))
			}
		}
		return vs, nil
	},
}
