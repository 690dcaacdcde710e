package workload

import (
	"context"
	"slices"
	"strconv"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// allowedFlexVolumeDrivers implements Azure Policy's "Kubernetes cluster
// pod FlexVolume volumes should only use allowed drivers" (Gatekeeper's
// k8spspflexvolumes). Azure lists driver names; Gatekeeper lists
// {driver: name} objects.
var allowedFlexVolumeDrivers = &policy.Rule{
	ID:       "k8s.allowedFlexVolumeDrivers",
	Title:    "Kubernetes cluster pod FlexVolume volumes should only use allowed drivers",
	Severity: finding.SeverityMedium,
	Rationale: "A FlexVolume driver is an executable the kubelet runs as root on the node with the volume's " +
		"options; a pod that names an unexpected driver reaches node-side code the cluster's owners did not vet.",
	Remediation: "Use a CSI volume or one of the allowed FlexVolume drivers.",
	References: policy.References{
		Azure: "f4a8fce0-2dd5-4c21-9a36-8f0ec809d663",
		URLs:  []string{"https://kubernetes.io/docs/concepts/storage/volumes/#flexvolume"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{
		{Name: "allowedFlexVolumeDrivers", Default: []string{},
			Doc: "FlexVolume driver names pods may use; empty allows none."},
	},
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		allowed := in.Params.Strings("allowedFlexVolumeDrivers")
		pod := in.Object.Pod
		var vs []policy.Violation
		for i, v := range pod.Spec.Volumes {
			if f := v.FlexVolume; f != nil && !slices.Contains(allowed, f.Driver) {
				vs = append(vs, policy.Violation{Path: pod.SpecPath + ".volumes[" + strconv.Itoa(i) + "].flexVolume.driver",
					Message: "volume " + v.Name + " uses FlexVolume driver " + f.Driver + ", which is not allowed"})
			}
		}
		return vs, nil
	}),
}
