package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// blockNakedPods implements Azure Policy's "Kubernetes cluster should not
// use naked pods" (template block-naked-pods v1): a Pod that no controller
// owns fails. Mirror pods of static manifests are owned by their Node, so
// they pass.
var blockNakedPods = &policy.Rule{
	ID:       "k8s.blockNakedPods",
	Title:    "Kubernetes cluster should not use naked pods",
	Severity: finding.SeverityLow,
	Rationale: "A pod without a controller is not rescheduled when its node fails or is drained, " +
		"and it is not rolled or scaled with the application.",
	Remediation: "Run the pod through a Deployment, StatefulSet, DaemonSet or Job.",
	References: policy.References{
		Azure: "65280eef-c8b4-425e-9aec-af55e55bf581",
		URLs:  []string{"https://kubernetes.io/docs/concepts/configuration/overview/#naked-pods-vs-replicasets-deployments-and-jobs"},
	},
	Effect: policy.EffectAudit,
	Kinds:  []string{"Pod"},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		if len(in.Object.Meta.OwnerReferences) > 0 {
			return nil, nil
		}
		return []policy.Violation{{Path: "metadata.ownerReferences",
			Message: "pod " + in.Object.Name() + " is not managed by a controller"}}, nil
	},
}
