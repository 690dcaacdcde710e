package pss

import (
	"context"
	"fmt"
	"slices"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
)

// capabilitiesRestricted is the restricted control "Capabilities": from
// v1.22 every container must drop ALL and may add back only
// NET_BIND_SERVICE; it replaces the baseline check then. From v1.25 Windows
// pods (spec.os.name: windows) are exempt: capabilities are Linux-only.
var capabilitiesRestricted = &policy.Rule{
	ID:       "pss.capabilities_restricted",
	Title:    "Containers must drop all capabilities",
	Severity: finding.SeverityMedium,
	Rationale: "Dropping ALL capabilities and adding back only NET_BIND_SERVICE leaves a container no " +
		"kernel privileges beyond binding low ports.",
	Remediation: `Set securityContext.capabilities.drop: ["ALL"] on every container and add at most NET_BIND_SERVICE.`,
	References:  policy.References{PSS: "Capabilities (restricted)", CIS: "5.2.9, 5.2.10", URLs: []string{docURL + "#restricted"}},
	Level:       restricted,
	Overrides:   []policy.Override{{Rule: capabilitiesBaseline.ID, Since: 22}},
	Kinds:       policy.PodKinds(),
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		if !in.PSS.AtLeast(22) || (in.PSS.AtLeast(25) && windowsPod(in.Object.Pod.Spec)) {
			return nil, nil
		}
		var vs []policy.Violation
		for _, c := range in.Containers() {
			vs = append(vs, restrictedCapabilityViolations(c)...)
		}
		return vs, nil
	},
}

func restrictedCapabilityViolations(c policy.Container) []policy.Violation {
	var caps *corev1.Capabilities
	if c.SecurityContext != nil {
		caps = c.SecurityContext.Capabilities
	}
	var vs []policy.Violation
	if caps == nil || !slices.Contains(caps.Drop, "ALL") {
		vs = append(vs, containerViolation(c, "securityContext.capabilities.drop", `must set securityContext.capabilities.drop=["ALL"]`))
	}
	if caps == nil {
		return vs
	}
	for i, capability := range caps.Add {
		if capability != "NET_BIND_SERVICE" {
			vs = append(vs, containerViolation(c, index("securityContext.capabilities.add", i),
				fmt.Sprintf("must not include %q in securityContext.capabilities.add", capability)))
		}
	}
	return vs
}
