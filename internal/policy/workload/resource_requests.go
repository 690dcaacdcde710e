package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// resourceRequests implements Azure Policy's "Kubernetes cluster
// containers CPU and memory resource requests must be defined" (template
// container-resource-requests v1): every container and init container
// requests CPU and memory. Unlike Gatekeeper's containerrequests it sets
// no maximum. A limit alone counts as a request, as the API server copies
// it into the pod. A Pod UPDATE is judged only when it resizes the pod.
var resourceRequests = &policy.Rule{
	ID:       "k8s.resourceRequests",
	Title:    "Kubernetes cluster containers CPU and memory resource requests must be defined",
	Severity: finding.SeverityLow,
	Rationale: "The scheduler places pods by their requests; a pod without them can land on a node that cannot " +
		"run it and is the first to be evicted under pressure (BestEffort).",
	Remediation: "Set resources.requests.cpu and resources.requests.memory on every container.",
	References: policy.References{
		Azure: "03a4ecdb-0684-4039-be91-2762979e1bc8",
		URLs:  []string{"https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"},
	},
	Effect: policy.EffectDeny,
	Kinds:  policy.PodKinds(),
	Check: exceptPodUpdateBut(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		var vs []policy.Violation
		for _, c := range resourceContainers(in) {
			for _, r := range computeResources {
				if !requested(c, r) {
					vs = append(vs, policy.Violation{Path: c.Field("resources.requests." + string(r)), Container: c.Name,
						Message: "container " + c.Name + " requests no " + string(r)})
				}
			}
		}
		return vs, nil
	}, "resize"),
}
