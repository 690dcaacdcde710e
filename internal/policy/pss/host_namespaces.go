package pss

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// hostNamespaces is the baseline control "Host Namespaces": the pod may not
// share the node's network, PID or IPC namespace (all versions).
var hostNamespaces = &policy.Rule{
	ID:       "pss.hostNamespaces",
	Title:    "Sharing the host namespaces is disallowed",
	Severity: finding.SeverityHigh,
	Rationale: "A pod in the node's network, PID or IPC namespace can see and reach the node's " +
		"interfaces, processes and shared memory, and escape its isolation.",
	Remediation: "Unset hostNetwork, hostPID and hostIPC or set them to false.",
	References:  policy.References{PSS: "Host Namespaces (baseline)", CIS: "5.2.3, 5.2.4, 5.2.5", URLs: []string{docURL + "#baseline"}},
	Level:       baseline,
	Kinds:       policy.PodKinds(),
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		s := in.Object.Pod.Spec
		var vs []policy.Violation
		for _, f := range []struct {
			name string
			set  bool
		}{{"hostNetwork", s.HostNetwork}, {"hostPID", s.HostPID}, {"hostIPC", s.HostIPC}} {
			if f.set {
				vs = append(vs, podViolation(in, f.name, "must not set "+f.name+"=true"))
			}
		}
		return vs, nil
	},
}
