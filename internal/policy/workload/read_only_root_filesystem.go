package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// readOnlyRootFilesystem implements Azure Policy's "Kubernetes cluster
// containers should run with a read only root file system" (Gatekeeper's
// k8spspreadonlyrootfilesystem): every container must set
// readOnlyRootFilesystem to true; unset counts as writable, which is the
// runtime's default.
var readOnlyRootFilesystem = &policy.Rule{
	ID:       "k8s.readOnlyRootFilesystem",
	Title:    "Kubernetes cluster containers should run with a read only root file system",
	Severity: finding.SeverityMedium, // Defender rates its recommendation medium: hardening, not a boundary.
	Rationale: "A writable root filesystem lets an intruder drop tools and binaries on the PATH or alter the " +
		"application at run time; a read-only one confines writes to the volumes the pod declares.",
	Remediation: "Set securityContext.readOnlyRootFilesystem: true on every container and mount an emptyDir " +
		"volume where the application must write (/tmp, caches).",
	References: policy.References{
		Azure: "df49d893-a74c-421d-bc95-c663042e5b80",
		URLs:  []string{"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		var vs []policy.Violation
		for _, c := range in.Containers() {
			if sc := c.SecurityContext; sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
				vs = append(vs, policy.Violation{Path: c.Field("securityContext.readOnlyRootFilesystem"), Container: c.Name,
					Message: "container " + c.Name + " does not set readOnlyRootFilesystem: true"})
			}
		}
		return vs, nil
	}),
}
