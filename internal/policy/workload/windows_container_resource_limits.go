package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
)

// windowsContainerResourceLimits implements Azure Policy's "Kubernetes
// cluster Windows containers should not overcommit cpu and memory"
// (template windows-container-resources v1, not published): in a Windows
// pod (spec.os.name windows, or a kubernetes.io/os=windows node selector),
// a container that requests CPU or memory must also limit it, at no less
// than the request; a container that requests nothing passes, as the
// definition says. A Pod UPDATE is judged only when it resizes the pod.
var windowsContainerResourceLimits = &policy.Rule{
	ID:       "k8s.windowsContainerResourceLimits",
	Title:    "Kubernetes cluster Windows containers should not overcommit cpu and memory",
	Severity: finding.SeverityLow,
	Rationale: "Windows nodes page over-committed memory to disk instead of killing the container, " +
		"so one container above its request slows every container on the node.",
	Remediation: "Give every Windows container that sets requests a limit of at least the same amount (ideally equal).",
	References: policy.References{
		Azure: "a2abc456-f0ae-464b-bd3a-07a3cdbd7fb1",
		URLs:  []string{"https://kubernetes.io/docs/concepts/configuration/windows-resource-management/"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Check: exceptPodUpdateBut(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		if in.Object.Pod == nil || !windowsPod(in.Object.Pod.Spec) {
			return nil, nil
		}
		var vs []policy.Violation
		for _, c := range resourceContainers(in) {
			for _, r := range computeResources {
				if v, bad := overcommit(c, r); bad {
					vs = append(vs, v)
				}
			}
		}
		return vs, nil
	}, "resize"),
}

// windowsPod reports whether the pod can only run on Windows nodes.
func windowsPod(s *corev1.PodSpec) bool {
	return (s.OS != nil && s.OS.Name == corev1.Windows) || s.NodeSelector[corev1.LabelOSStable] == "windows"
}

func overcommit(c policy.Container, r corev1.ResourceName) (policy.Violation, bool) {
	req, ok := c.Resources.Requests[r]
	if !ok {
		return policy.Violation{}, false
	}
	v := policy.Violation{Path: c.Field("resources.limits." + string(r)), Container: c.Name}
	lim, ok := c.Resources.Limits[r]
	switch {
	case !ok:
		v.Message = "container " + c.Name + " requests " + string(r) + " without a limit"
	case req.Cmp(lim) > 0:
		v.Message = "container " + c.Name + " requests more " + string(r) + " than its limit"
	default:
		return v, false
	}
	return v, true
}
