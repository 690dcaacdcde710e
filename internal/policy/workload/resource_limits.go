package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// resourceLimits implements Azure Policy's "Kubernetes cluster containers
// CPU and memory resource limits should not exceed the specified limits"
// (template container-resource-limits v3, Gatekeeper's containerlimits):
// every container and init container sets a CPU and a memory limit, each
// at most the parameter. Quantities are compared as Kubernetes reads them
// (resource.Quantity), not by the templates' suffix tables. A Pod UPDATE
// is judged only when it resizes the pod.
var resourceLimits = &policy.Rule{
	ID:       "k8s.resourceLimits",
	Title:    "Kubernetes cluster containers CPU and memory resource limits should not exceed the specified limits",
	Severity: finding.SeverityMedium,
	Rationale: "A container without limits can take all of a node's CPU and memory, starving its neighbours " +
		"and the kubelet: one compromised or buggy pod becomes a denial of service for the node.",
	Remediation: "Set resources.limits.cpu and resources.limits.memory on every container, within the allowed maxima.",
	References: policy.References{
		Azure: "e345eecc-fa47-480f-9e88-67dcc122b164",
		URLs:  []string{"https://aka.ms/k8s-policy-pod-limits"},
	},
	Effect: policy.EffectDeny,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{
		{Name: "cpuLimit", Default: "", Doc: "Largest CPU limit allowed (200m). Empty: a limit is required, any size; -1: no CPU limit required (Gatekeeper's convention)."},
		{Name: "memoryLimit", Default: "", Doc: "Largest memory limit allowed (1Gi). Empty: a limit is required, any size; -1: no memory limit required."},
	},
	Check: exceptPodUpdateBut(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		var vs []policy.Violation
		for _, l := range limitParams {
			if in.Params.String(l.param) == "-1" {
				continue
			}
			max, err := quantityParam(in, l.param)
			if err != nil {
				return nil, err
			}
			vs = append(vs, limitViolations(resourceContainers(in), l.resource, max)...)
		}
		return vs, nil
	}, "resize"),
}

// limitParams ties each limited resource to the parameter bounding it.
var limitParams = []struct {
	resource corev1.ResourceName
	param    string
}{{corev1.ResourceCPU, "cpuLimit"}, {corev1.ResourceMemory, "memoryLimit"}}

func limitViolations(cs []policy.Container, r corev1.ResourceName, max *resource.Quantity) []policy.Violation {
	var vs []policy.Violation
	for _, c := range cs {
		path := c.Field("resources.limits." + string(r))
		q, ok := c.Resources.Limits[r]
		switch {
		case !ok:
			vs = append(vs, policy.Violation{Path: path, Container: c.Name,
				Message: "container " + c.Name + " has no " + string(r) + " limit"})
		case max != nil && q.Cmp(*max) > 0:
			vs = append(vs, policy.Violation{Path: path, Container: c.Name,
				Message: "container " + c.Name + " " + string(r) + " limit " + q.String() + " is above the maximum " + max.String()})
		}
	}
	return vs
}
