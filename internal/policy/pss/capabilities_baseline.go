package pss

import (
	"context"
	"fmt"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	"k8s.io/apimachinery/pkg/util/sets"
)

// capabilitiesBaseline is the baseline control "Capabilities": containers
// may add only capabilities of the container runtime's default set (all
// versions). Names are compared as written: upstream neither strips a
// "CAP_" prefix nor folds case, and neither does this rule.
var capabilitiesBaseline = &policy.Rule{
	ID:       "pss.capabilities_baseline",
	Title:    "Adding capabilities beyond the default set is disallowed",
	Severity: finding.SeverityHigh,
	Rationale: "Capabilities beyond the runtime's default set (NET_RAW, SYS_ADMIN, ...) give a container " +
		"powers over the node's kernel that most workloads never need.",
	Remediation: "Remove from securityContext.capabilities.add every capability outside the default set: " +
		"AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT.",
	References: policy.References{PSS: "Capabilities (baseline)", CIS: "5.2.8, 5.2.9", URLs: []string{docURL + "#baseline"}},
	Level:      baseline,
	Kinds:      policy.PodKinds(),
	Check:      checkCapabilitiesBaseline,
}

var defaultCapabilities = sets.New("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT")

func checkCapabilitiesBaseline(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
	var vs []policy.Violation
	for _, c := range in.Containers() {
		if c.SecurityContext == nil || c.SecurityContext.Capabilities == nil {
			continue
		}
		for i, capability := range c.SecurityContext.Capabilities.Add {
			if !defaultCapabilities.Has(string(capability)) {
				vs = append(vs, containerViolation(c, index("securityContext.capabilities.add", i),
					fmt.Sprintf("must not include %q in securityContext.capabilities.add", capability)))
			}
		}
	}
	return vs, nil
}
