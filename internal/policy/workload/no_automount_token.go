package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// noAutomountToken implements Azure Policy's "Kubernetes clusters should
// disable automounting API credentials". Azure's template passes a pod
// only when it sets automountServiceAccountToken: false itself: unset
// means the service account's setting, which the pod cannot show and
// which defaults to mounting. Gatekeeper's k8sautomountserviceaccounttoken
// is looser (it lets an unset field pass unless a container mounts the
// token path by hand); Bulwark follows Azure.
var noAutomountToken = &policy.Rule{
	ID:       "k8s.noAutomountToken",
	Title:    "Kubernetes clusters should disable automounting API credentials",
	Severity: finding.SeverityHigh, // Defender rates it high.
	Rationale: "A mounted service-account token lets anyone who compromises a container call the Kubernetes API " +
		"with that account's rights; most workloads never call the API and need no token.",
	Remediation: "Set automountServiceAccountToken: false in the pod spec; for a workload that calls the API, mount " +
		"a projected serviceAccountToken volume with a short expiry instead, or exclude it by scope.",
	References: policy.References{
		Azure: "423dd1ba-798e-40e4-9c4d-b6902674b423",
		CIS:   "5.1.6",
		URLs:  []string{"https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		pod := in.Object.Pod
		if a := pod.Spec.AutomountServiceAccountToken; a != nil && !*a {
			return nil, nil
		}
		msg := "the pod does not set automountServiceAccountToken: false"
		if pod.Spec.AutomountServiceAccountToken != nil {
			msg = "the pod sets automountServiceAccountToken: true"
		}
		return []policy.Violation{{Path: pod.SpecPath + ".automountServiceAccountToken", Message: msg}}, nil
	}),
}
