package pss

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// procMountRestricted is the restricted control "/proc Mount Type": from
// v1.35, when the baseline check started to allow any type in a user
// namespace, the restricted level keeps requiring the default mask for
// every pod and replaces the baseline check. Before v1.35 it does not
// exist (the baseline check was already unconditional).
var procMountRestricted = &policy.Rule{
	ID:       "pss.procMount_restricted",
	Title:    "Unmasked /proc mounts are disallowed, even in a user namespace",
	Severity: finding.SeverityMedium,
	Rationale: "The default /proc mask hides kernel interfaces that a container could use to learn about " +
		"or reconfigure the node; the restricted level keeps it even for pods in a user namespace.",
	Remediation: "Unset securityContext.procMount or set it to Default.",
	References:  policy.References{PSS: "/proc Mount Type (restricted)", URLs: []string{docURL + "#restricted"}},
	Level:       restricted,
	Overrides:   []policy.Override{{Rule: procMount.ID, Since: 35}},
	Kinds:       policy.PodKinds(),
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		if !in.PSS.AtLeast(35) {
			return nil, nil
		}
		return procMountViolations(in), nil
	},
}
