package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// allowedImages implements Azure Policy's "Kubernetes cluster containers
// should only use allowed images" (template container-allowed-images v2):
// every container's image, ephemeral ones included, must match the
// regular expression. Like Rego's regex.match the match is unanchored, so
// an anchored pattern ("^myacr\.azurecr\.io/.+$") is what users want.
var allowedImages = &policy.Rule{
	ID:       "k8s.allowedImages",
	Title:    "Kubernetes cluster containers should only use allowed images",
	Severity: finding.SeverityHigh,
	Rationale: "An image from an untrusted registry can carry known vulnerabilities or malicious code; " +
		"restricting images to trusted registries keeps what runs in the cluster to what was vetted.",
	Remediation: "Pull the image from an allowed registry (mirror it there), or widen allowedContainerImagesRegex.",
	References: policy.References{
		Azure: "febd0533-8e55-448f-b837-bd0e06f16469",
		URLs:  []string{"https://aka.ms/kubepolicydoc"},
	},
	Effect: policy.EffectDeny,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{{Name: "allowedContainerImagesRegex", Default: "",
		Doc: "Regular expression (RE2, unanchored) every image must match, e.g. ^[^/]+\\.azurecr\\.io/.+$. Azure requires it; empty checks nothing."}},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		pattern := in.Params.String("allowedContainerImagesRegex")
		if pattern == "" {
			return nil, nil
		}
		re, err := compileRegex("allowedContainerImagesRegex", pattern)
		if err != nil {
			return nil, err
		}
		var vs []policy.Violation
		for _, c := range in.Containers() {
			if !re.MatchString(c.Image) {
				vs = append(vs, policy.Violation{Path: c.Field("image"), Container: c.Name,
					Message: "image " + c.Image + " of container " + c.Name + " does not match " + pattern})
			}
		}
		return vs, nil
	},
}
