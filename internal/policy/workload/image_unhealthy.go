package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// imageUnhealthy replaces Azure Policy's deprecated "Kubernetes clusters
// should gate deployment of vulnerable images" (Defender's
// container-no-vulnerable-images): a container whose image's last scan
// was unhealthy does not run. The verdict is the scan's, judged by the
// health policy of `bulwark serve` or `bulwark image` (by default a high
// or critical finding with a fix), so the rule has no severity parameters
// of its own.
var imageUnhealthy = &policy.Rule{
	ID:       "k8s.imageUnhealthy",
	Title:    "Kubernetes clusters should gate deployment of vulnerable images",
	Severity: finding.SeverityHigh,
	Rationale: "An image whose last scan found vulnerabilities over the health policy's line ships " +
		"known, fixable weaknesses into the cluster.",
	Remediation: "Rebuild the image with the fixed package versions the scan names, push it, and deploy the new digest.",
	References: policy.References{
		Azure: "13cd7ae3-5bc0-4ac4-a62d-4f7c120b9759",
		CIS:   "5.5.1",
	},
	Effect:      policy.EffectDisabled, // needs an image-health source
	Kinds:       policy.PodKinds(),
	NeedsImages: true,
	Check: func(ctx context.Context, in *policy.Input) ([]policy.Violation, error) {
		return eachImage(ctx, in, func(c policy.Container, v policy.ImageVerdict) string {
			if !v.Scanned || v.Healthy {
				return ""
			}
			msg := "image " + c.Image + digestNote(v.Digest) + " of container " + c.Name + " is unhealthy"
			if v.Summary != "" {
				msg += ": " + v.Summary
			}
			return msg
		})
	},
}

// digestNote names the digest a verdict is for, when the source knows it.
func digestNote(d string) string {
	if d == "" {
		return ""
	}
	return " (" + d + ")"
}
