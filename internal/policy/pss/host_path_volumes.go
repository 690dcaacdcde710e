package pss

import (
	"context"
	"fmt"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// hostPathVolumes is the baseline control "HostPath Volumes": no volume may
// mount a path of the node (all versions).
var hostPathVolumes = &policy.Rule{
	ID:       "pss.hostPathVolumes",
	Title:    "HostPath volumes are disallowed",
	Severity: finding.SeverityHigh,
	Rationale: "A hostPath volume exposes the node's file system to the container; a writable one " +
		"(the container runtime's socket, /etc, /var/lib/kubelet) is a path to the node.",
	Remediation: "Replace hostPath volumes with emptyDir, configMap, secret, projected or persistent volumes.",
	References:  policy.References{PSS: "HostPath Volumes (baseline)", CIS: "5.2.12", URLs: []string{docURL + "#baseline"}},
	Level:       baseline,
	Kinds:       policy.PodKinds(),
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		var vs []policy.Violation
		for i, v := range in.Object.Pod.Spec.Volumes {
			if v.HostPath != nil {
				vs = append(vs, policy.Violation{Path: specField(in, index("volumes", i)+".hostPath"),
					Message: fmt.Sprintf("volume %q must not use hostPath", v.Name)})
			}
		}
		return vs, nil
	},
}
