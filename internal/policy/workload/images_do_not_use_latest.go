package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// imagesDoNotUseLatest implements Azure Policy's "Kubernetes cluster
// container images should not include latest image tag" (template
// container-no-latest-image v2): an image tagged latest, or with neither
// tag nor digest (which pulls latest), fails. The reference is parsed, so
// a registry port ("registry:5000/app") is not mistaken for a tag, as
// Azure's regular expression does, and a digest alone pins the image.
var imagesDoNotUseLatest = &policy.Rule{
	ID:       "k8s.imagesDoNotUseLatest",
	Title:    "Kubernetes cluster container images should not include latest image tag",
	Severity: finding.SeverityLow,
	Rationale: "The latest tag moves: the same manifest runs different code from one pull to the next, " +
		"so a rollout cannot be reproduced, audited or rolled back, and an upstream change reaches production unreviewed.",
	Remediation: "Name an explicit version tag (nginx:1.27.3) or, better, pin the digest (nginx@sha256:...).",
	References: policy.References{
		Azure: "021f8078-41a0-40e6-81b6-c6597da9f3ee",
		URLs:  []string{"https://kubernetes.io/docs/concepts/containers/images/#image-names"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		var vs []policy.Violation
		for _, c := range in.Containers() {
			ref := parseImage(c.Image)
			switch {
			case ref.Tag == "latest":
				vs = append(vs, policy.Violation{Path: c.Field("image"), Container: c.Name,
					Message: "container " + c.Name + " uses the latest tag (" + c.Image + ")"})
			case ref.effectiveTag() == "latest":
				vs = append(vs, policy.Violation{Path: c.Field("image"), Container: c.Name,
					Message: "container " + c.Name + " names no tag or digest (" + c.Image + "), so latest is pulled"})
			}
		}
		return vs, nil
	},
}
