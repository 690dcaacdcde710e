package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// windowsNoHostProcess implements Azure Policy's "Kubernetes cluster
// Windows pods should not run HostProcess containers" (Gatekeeper's
// k8spsphostprocess): neither the pod nor a covered container may set
// windowsOptions.hostProcess: true.
var windowsNoHostProcess = &policy.Rule{
	ID:       "k8s.windowsNoHostProcess",
	Title:    "Kubernetes cluster Windows pods should not run HostProcess containers",
	Severity: finding.SeverityHigh,
	Rationale: "A HostProcess container runs directly on the Windows node, in its network namespace and with " +
		"access to its filesystem and, as SYSTEM, to everything on it: it is the Windows equivalent of a " +
		"privileged container.",
	Remediation: "Remove windowsOptions.hostProcess from the pod and its containers; run node agents through a " +
		"dedicated, excluded namespace.",
	References: policy.References{
		Azure: "077f0ce1-86d6-4058-bc60-de05067e8622",
		CIS:   "5.2.10",
		URLs:  []string{"https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		pod := in.Object.Pod
		var vs []policy.Violation
		if sc := pod.Spec.SecurityContext; sc != nil && sc.WindowsOptions != nil && isTrue(sc.WindowsOptions.HostProcess) {
			vs = append(vs, policy.Violation{Path: pod.SpecPath + ".securityContext.windowsOptions.hostProcess",
				Message: "the pod runs as a Windows HostProcess pod"})
		}
		for _, c := range in.Containers() {
			if sc := c.SecurityContext; sc != nil && sc.WindowsOptions != nil && isTrue(sc.WindowsOptions.HostProcess) {
				vs = append(vs, policy.Violation{Path: c.Field("securityContext.windowsOptions.hostProcess"), Container: c.Name,
					Message: "container " + c.Name + " is a Windows HostProcess container"})
			}
		}
		return vs, nil
	}),
}

func isTrue(b *bool) bool { return b != nil && *b }
