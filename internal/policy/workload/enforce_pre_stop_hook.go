package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
)

// enforcePreStopHook implements Azure Policy's "Kubernetes cluster
// container images must include the preStop hook" (template
// container-enforce-pre-stop-hook v1) on the kinds the definition names:
// Deployments, StatefulSets, ReplicaSets and ReplicationControllers. Azure's
// template also demands the hook of init containers, which the API server
// refuses to give one unless they are sidecars (restartPolicy Always), so
// only regular containers and sidecars are checked.
var enforcePreStopHook = &policy.Rule{
	ID:       "k8s.enforcePreStopHook",
	Title:    "Kubernetes cluster container images must include the preStop hook",
	Severity: finding.SeverityInformational,
	Rationale: "A container stopped without a preStop hook gets SIGTERM while it may still receive traffic, " +
		"so in-flight requests and transactions are cut during rollouts and node drains.",
	Remediation: "Add lifecycle.preStop (for example a short sleep or a graceful-shutdown command) to every container.",
	References: policy.References{
		Azure: "1a3b9003-eac6-4d39-a184-4a567ace7645",
		URLs:  []string{"https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/"},
	},
	Effect: policy.EffectAudit,
	Kinds:  []string{"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		var vs []policy.Violation
		for _, c := range in.Containers() {
			if !longRunning(c) || (c.Lifecycle != nil && c.Lifecycle.PreStop != nil) {
				continue
			}
			vs = append(vs, policy.Violation{Path: c.Field("lifecycle.preStop"), Container: c.Name,
				Message: "container " + c.Name + " has no preStop hook"})
		}
		return vs, nil
	},
}

// longRunning reports whether the container runs for the pod's life: a
// regular container or a sidecar (an init container restarted Always).
func longRunning(c policy.Container) bool {
	if c.Type == policy.Init {
		return c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
	}
	return c.Type == policy.Regular
}
