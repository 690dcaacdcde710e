package workload

import (
	"context"
	"strings"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// podEnforceLabels implements Azure Policy's "Kubernetes cluster pods
// should use specified labels" (template pod-enforce-labels v1): a pod
// (or a workload's pod template) carries every listed label key, with any
// value.
var podEnforceLabels = &policy.Rule{
	ID:       "k8s.podEnforceLabels",
	Title:    "Kubernetes cluster pods should use specified labels",
	Severity: finding.SeverityInformational,
	Rationale: "Labels are how owners, cost centres, network policies and alerts find a pod; a pod without them " +
		"escapes the policies and the people that should cover it.",
	Remediation: "Add the required labels to the pod template's metadata.labels.",
	References: policy.References{
		Azure: "46592696-4c7b-4bf3-9e45-6c2763bdc0a6",
		URLs:  []string{"https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/"},
	},
	Effect: policy.EffectDeny,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{{Name: "labelsList", Default: []string{},
		Doc: "Label keys every pod must carry. Azure requires the list; empty requires nothing."}},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		pod := in.Object.Pod
		if pod == nil {
			return nil, nil
		}
		var missing []string
		for _, k := range in.Params.Strings("labelsList") {
			if _, ok := pod.Labels()[k]; !ok {
				missing = append(missing, k)
			}
		}
		if len(missing) == 0 {
			return nil, nil
		}
		return []policy.Violation{{Path: pod.MetaPath + ".labels",
			Message: "missing labels: " + strings.Join(missing, ", ")}}, nil
	},
}
