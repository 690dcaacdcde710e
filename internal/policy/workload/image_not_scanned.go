package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// imageNotScanned keeps out images nobody has looked at: a container
// whose image was never scanned (by `bulwark serve` for the registry it
// lives in, or by `bulwark image` on this machine) fails. Without it,
// k8s.imageUnhealthy admits any image it knows nothing about.
var imageNotScanned = &policy.Rule{
	ID:       "k8s.imageNotScanned",
	Title:    "Kubernetes clusters should only run images that have been scanned",
	Severity: finding.SeverityMedium,
	Rationale: "An image that was never scanned may carry any known vulnerability; gating on " +
		"unhealthy images alone lets it through.",
	Remediation: "Push the image to a registry that bulwark serve watches (or run bulwark image on it) before deploying it, " +
		"and refer to it by the tag or digest that was scanned.",
	References: policy.References{
		// Image provenance through an admission webhook.
		CIS: "5.5.1",
	},
	Effect:      policy.EffectDisabled, // needs an image-health source
	Kinds:       policy.PodKinds(),
	NeedsImages: true,
	Check: func(ctx context.Context, in *policy.Input) ([]policy.Violation, error) {
		return eachImage(ctx, in, func(c policy.Container, v policy.ImageVerdict) string {
			if v.Scanned {
				return ""
			}
			return "image " + c.Image + " of container " + c.Name + " was never scanned"
		})
	},
}
