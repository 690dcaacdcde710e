package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// blockHostNamespace implements Azure Policy's "Kubernetes cluster
// containers should not share host namespaces". Azure's version 6 (template
// block-host-namespace/v3) blocks the host network namespace as well as
// the PID and IPC ones that Gatekeeper's k8spsphostnamespace covers, in
// line with the Pod Security Standards' host namespaces control.
var blockHostNamespace = &policy.Rule{
	ID:       "k8s.blockHostNamespace",
	Title:    "Kubernetes cluster containers should not share host namespaces",
	Severity: finding.SeverityHigh,
	Rationale: "A pod in the host's PID namespace sees and can signal or ptrace every process of the node; " +
		"in the host's IPC namespace it reads other processes' shared memory; in the host's network " +
		"namespace it reaches services bound to the node's loopback and can sniff the node's traffic. " +
		"Each removes a layer between a compromised container and the node.",
	Remediation: "Remove hostPID, hostIPC and hostNetwork from the pod spec (or set them to false).",
	References: policy.References{
		Azure: "47a1ee2f-2a2a-4576-bf2a-e0e36709c2b8",
		CIS:   "5.2.3, 5.2.4, 5.2.5",
		URLs:  []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		pod := in.Object.Pod
		var vs []policy.Violation
		for _, ns := range []struct {
			field string
			on    bool
		}{{"hostPID", pod.Spec.HostPID}, {"hostIPC", pod.Spec.HostIPC}, {"hostNetwork", pod.Spec.HostNetwork}} {
			if ns.on {
				vs = append(vs, policy.Violation{Path: pod.SpecPath + "." + ns.field, Message: "the pod sets " + ns.field + ": true"})
			}
		}
		return vs, nil
	}),
}
