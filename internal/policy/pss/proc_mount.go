package pss

import (
	"context"
	"fmt"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
)

// procMount is the baseline control "/proc Mount Type": containers keep the
// default masking of /proc. From v1.35 a pod in its own user namespace
// (hostUsers: false) may choose any type; procMount_restricted keeps the
// unconditional check at the restricted level.
var procMount = &policy.Rule{
	ID:       "pss.procMount",
	Title:    "Unmasked /proc mounts are disallowed",
	Severity: finding.SeverityMedium,
	Rationale: "The default /proc mask hides kernel interfaces that a container could use to learn about " +
		"or reconfigure the node.",
	Remediation: "Unset securityContext.procMount or set it to Default (from v1.35 any value is allowed for pods with hostUsers: false).",
	References:  policy.References{PSS: "/proc Mount Type (baseline)", URLs: []string{docURL + "#baseline"}},
	Level:       baseline,
	Kinds:       policy.PodKinds(),
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		if in.PSS.AtLeast(35) && userNamespacePod(in.Object.Pod.Spec) {
			return nil, nil
		}
		return procMountViolations(in), nil
	},
}

// procMountViolations finds the containers whose procMount is set to a
// type other than Default.
func procMountViolations(in *policy.Input) []policy.Violation {
	var vs []policy.Violation
	for _, c := range in.Containers() {
		if sc := c.SecurityContext; sc != nil && sc.ProcMount != nil && *sc.ProcMount != corev1.DefaultProcMount {
			vs = append(vs, containerViolation(c, "securityContext.procMount",
				fmt.Sprintf("must not set securityContext.procMount to %q", *sc.ProcMount)))
		}
	}
	return vs
}
