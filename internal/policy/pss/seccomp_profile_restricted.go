package pss

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// seccompProfileRestricted is the restricted control "Seccomp": from v1.19
// every container must run under the RuntimeDefault or a Localhost profile,
// set on the container or inherited from the pod; it replaces the baseline
// check then. From v1.25 Windows pods (spec.os.name: windows) are exempt.
var seccompProfileRestricted = &policy.Rule{
	ID:       "pss.seccompProfile_restricted",
	Title:    "A seccomp profile must be set",
	Severity: finding.SeverityMedium,
	Rationale: "Without a profile a container runs unconfined on most runtimes; requiring RuntimeDefault " +
		"or Localhost makes the system call filter explicit.",
	Remediation: "Set spec.securityContext.seccompProfile.type (or each container's) to RuntimeDefault or Localhost.",
	References:  policy.References{PSS: "Seccomp (restricted)", CIS: "5.7.2", URLs: []string{docURL + "#restricted"}},
	Level:       restricted,
	Overrides:   []policy.Override{{Rule: seccompProfileBaseline.ID, Since: 19}},
	Kinds:       policy.PodKinds(),
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		if !in.PSS.AtLeast(19) || (in.PSS.AtLeast(25) && windowsPod(in.Object.Pod.Spec)) {
			return nil, nil
		}
		return seccompFieldViolations(in, true), nil
	},
}
