package pss

import (
	"context"
	"fmt"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// runAsNonRoot is the restricted control "Running as Non-root": the pod or
// every container must set runAsNonRoot to true, and none may set it to
// false. From v1.35 a pod in its own user namespace (hostUsers: false) is
// exempt.
var runAsNonRoot = &policy.Rule{
	ID:          "pss.runAsNonRoot",
	Title:       "Containers must run as non-root",
	Severity:    finding.SeverityMedium,
	Rationale:   "runAsNonRoot makes the kubelet refuse to start a container whose user is root, so an image built to run as root cannot.",
	Remediation: "Set spec.securityContext.runAsNonRoot: true (or on every container) and do not set it to false anywhere.",
	References:  policy.References{PSS: "Running as Non-root (restricted)", CIS: "5.2.7", URLs: []string{docURL + "#restricted"}},
	Level:       restricted,
	Kinds:       policy.PodKinds(),
	Check:       checkRunAsNonRoot,
}

func checkRunAsNonRoot(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
	const field = "securityContext.runAsNonRoot"
	if in.PSS.AtLeast(35) && userNamespacePod(in.Object.Pod.Spec) {
		return nil, nil
	}
	var vs []policy.Violation
	podTrue := false
	if sc := in.Object.Pod.Spec.SecurityContext; sc != nil && sc.RunAsNonRoot != nil {
		podTrue = *sc.RunAsNonRoot
		if !podTrue {
			vs = append(vs, podViolation(in, field, "must not set "+field+"=false"))
		}
	}
	for _, c := range in.Containers() {
		switch sc := c.SecurityContext; {
		case sc != nil && sc.RunAsNonRoot != nil:
			if !*sc.RunAsNonRoot {
				vs = append(vs, containerViolation(c, field, "must not set "+field+"=false"))
			}
		case !podTrue:
			vs = append(vs, policy.Violation{Path: c.Field(field), Container: c.Name,
				Message: fmt.Sprintf("pod or container %q must set %s=true", c.Name, field)})
		}
	}
	return vs, nil
}
