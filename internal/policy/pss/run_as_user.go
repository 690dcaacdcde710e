package pss

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// runAsUser is the restricted control "Running as Non-root user", added in
// v1.23: neither the pod nor a container may set runAsUser to 0. Before
// v1.23 it does not exist; from v1.35 a pod in its own user namespace
// (hostUsers: false) is exempt.
var runAsUser = &policy.Rule{
	ID:          "pss.runAsUser",
	Title:       "Containers must not run as UID 0",
	Severity:    finding.SeverityMedium,
	Rationale:   "A container that runs as UID 0 is root on the node's kernel unless the pod has its own user namespace.",
	Remediation: "Set runAsUser to a non-zero UID or leave it unset (and set runAsNonRoot: true).",
	References:  policy.References{PSS: "Running as Non-root user (restricted)", CIS: "5.2.7", URLs: []string{docURL + "#restricted"}},
	Level:       restricted,
	Kinds:       policy.PodKinds(),
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		const field = "securityContext.runAsUser"
		if !in.PSS.AtLeast(23) || (in.PSS.AtLeast(35) && userNamespacePod(in.Object.Pod.Spec)) {
			return nil, nil
		}
		var vs []policy.Violation
		if sc := in.Object.Pod.Spec.SecurityContext; sc != nil && sc.RunAsUser != nil && *sc.RunAsUser == 0 {
			vs = append(vs, podViolation(in, field, "must not set runAsUser=0"))
		}
		for _, c := range in.Containers() {
			if sc := c.SecurityContext; sc != nil && sc.RunAsUser != nil && *sc.RunAsUser == 0 {
				vs = append(vs, containerViolation(c, field, "must not set runAsUser=0"))
			}
		}
		return vs, nil
	},
}
