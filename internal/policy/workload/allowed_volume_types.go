package workload

import (
	"context"
	"strconv"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// allowedVolumeTypes implements Azure Policy's "Kubernetes cluster pods
// should only use allowed volume types" (Gatekeeper's k8spspvolumetypes):
// every volume's source must be listed ("*" allows all).
var allowedVolumeTypes = &policy.Rule{
	ID:       "k8s.allowedVolumeTypes",
	Title:    "Kubernetes cluster pods should only use allowed volume types",
	Severity: finding.SeverityMedium,
	Rationale: "Volume types reach outside the pod in different ways: hostPath opens the node's filesystem, " +
		"in-tree network volumes carry credentials and node-side drivers. Allowing only the kinds a " +
		"cluster's workloads need (configMap, secret, emptyDir, projected, persistentVolumeClaim, ...) closes the rest.",
	Remediation: "Replace volumes of types that are not allowed, typically by a persistentVolumeClaim, or add the type to allowedVolumeTypes.",
	References: policy.References{
		Azure: "16697877-1118-4fb1-9b65-9898ec2509ec",
		URLs:  []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{
		{Name: "allowedVolumeTypes", Default: []string{},
			Doc: "Volume source names a pod may use (\"configMap\", \"emptyDir\", ...); empty allows none, \"*\" allows any."},
	},
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		allowed := in.Params.Strings("allowedVolumeTypes")
		pod := in.Object.Pod
		var vs []policy.Violation
		for i := range pod.Spec.Volumes {
			v := &pod.Spec.Volumes[i]
			if t := volumeType(v); !policy.MatchAny(allowed, t) {
				vs = append(vs, policy.Violation{Path: pod.SpecPath + ".volumes[" + strconv.Itoa(i) + "]",
					Message: "volume " + v.Name + " is of type " + t + ", which is not allowed"})
			}
		}
		return vs, nil
	}),
}
