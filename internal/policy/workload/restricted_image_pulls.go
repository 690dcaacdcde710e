package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// restrictedImagePulls implements Azure Policy's "Kubernetes cluster
// containers should only pull images when image pull secrets are present"
// (template container-restricted-image-pulls v2): a pod with a container
// in scope must name image pull secrets. Whether the named secrets exist
// needs the namespace's Secrets, which Bulwark does not hold at admission.
// At admission the ServiceAccount plugin has already copied the service
// account's pull secrets into a Pod, so a Pod passes on those too; a pod
// template in CI must name them itself. Pull secrets cannot change on a
// Pod, so a Pod UPDATE is judged only when it adds ephemeral containers.
var restrictedImagePulls = &policy.Rule{
	ID:       "k8s.restrictedImagePulls",
	Title:    "Kubernetes cluster containers should only pull images when image pull secrets are present",
	Severity: finding.SeverityLow,
	Rationale: "Pulling without credentials means pulling from public registries, where anyone can publish " +
		"an image under a name that looks right; authenticated pulls tie images to a registry the cluster trusts.",
	Remediation: "Add spec.imagePullSecrets to the pod (or to its service account) naming the registry credentials.",
	References: policy.References{
		Azure: "12db3749-7e03-4b9f-b443-d37d3fb9f8d9",
		URLs:  []string{"https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		pod := in.Object.Pod
		if pod == nil || len(pod.Spec.ImagePullSecrets) > 0 || len(in.Containers()) == 0 {
			return nil, nil
		}
		return []policy.Violation{{Path: pod.SpecPath + ".imagePullSecrets",
			Message: "the pod names no image pull secrets, so its images are pulled unauthenticated"}}, nil
	}),
}
