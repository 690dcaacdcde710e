package pss

import (
	"context"
	"strconv"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// hostPorts is the baseline control "Host Ports": no container port may
// bind a port of the node (all versions). Upstream has no allowed range;
// any hostPort other than 0 fails.
var hostPorts = &policy.Rule{
	ID:       "pss.hostPorts",
	Title:    "Host ports are disallowed",
	Severity: finding.SeverityMedium,
	Rationale: "A host port binds the node's network interfaces, bypassing Services and network policies, " +
		"and ties the pod to the nodes where the port is free.",
	Remediation: "Remove hostPort from every container port (or set it to 0) and expose the pod through a Service.",
	References:  policy.References{PSS: "Host Ports (baseline)", CIS: "5.2.13", URLs: []string{docURL + "#baseline"}},
	Level:       baseline,
	Kinds:       policy.PodKinds(),
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		var vs []policy.Violation
		for _, c := range in.Containers() {
			for i, p := range c.Ports {
				if p.HostPort != 0 {
					vs = append(vs, containerViolation(c, index("ports", i)+".hostPort",
						"uses hostPort "+strconv.Itoa(int(p.HostPort))))
				}
			}
		}
		return vs, nil
	},
}
