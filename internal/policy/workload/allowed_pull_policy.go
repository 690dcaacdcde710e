package workload

import (
	"context"
	"slices"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
)

// allowedPullPolicy implements Azure Policy's "Kubernetes cluster
// containers should only use allowed pull policy" (template
// container-allowed-pull-policy v2). An unset policy is judged as the one
// the API server gives it (Always for a latest or untagged image, else
// IfNotPresent), so a manifest in CI gets the verdict its pod gets at
// admission.
var allowedPullPolicy = &policy.Rule{
	ID:       "k8s.allowedPullPolicy",
	Title:    "Kubernetes cluster containers should only use allowed pull policy",
	Severity: finding.SeverityLow,
	Rationale: "The pull policy decides whether a node re-fetches an image from the registry or runs what it has cached; " +
		"restricting it keeps pods on the images that were deployed and vetted.",
	Remediation: "Set imagePullPolicy to one of the allowed policies (by default IfNotPresent or Never) and pin the image tag.",
	References: policy.References{
		Azure: "50c83470-d2f0-4dda-a716-1938a4825f62",
		URLs:  []string{"https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{{Name: "allowedPullPolicy", Default: []string{"IfNotPresent", "Never"},
		Doc: "Pull policies containers may use: Always, IfNotPresent, Never."}},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		allowed := in.Params.Strings("allowedPullPolicy")
		var vs []policy.Violation
		for _, c := range in.Containers() {
			if p := pullPolicy(c); !slices.Contains(allowed, string(p)) {
				vs = append(vs, policy.Violation{Path: c.Field("imagePullPolicy"), Container: c.Name,
					Message: "container " + c.Name + " has pull policy " + string(p) + describeDefault(c)})
			}
		}
		return vs, nil
	},
}

// pullPolicy is the container's pull policy as the API server defaults it.
func pullPolicy(c policy.Container) corev1.PullPolicy {
	if c.ImagePullPolicy != "" {
		return c.ImagePullPolicy
	}
	if parseImage(c.Image).effectiveTag() == "latest" {
		return corev1.PullAlways
	}
	return corev1.PullIfNotPresent
}

func describeDefault(c policy.Container) string {
	if c.ImagePullPolicy != "" {
		return ""
	}
	return " (the default for image " + c.Image + ")"
}
