package pss

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
)

// appArmorProfile is the baseline control "AppArmor": the pod may keep the
// runtime's default profile or choose a profile of the node, but not
// disable AppArmor. Upstream reads both the beta annotations and the
// appArmorProfile fields (added in Kubernetes 1.30) at every version, so
// this rule does too.
var appArmorProfile = &policy.Rule{
	ID:       "pss.appArmorProfile",
	Title:    "Disabling or overriding the AppArmor profile is disallowed",
	Severity: finding.SeverityMedium,
	Rationale: "The runtime's default AppArmor profile confines what a container may do on the node; " +
		"an unconfined container loses that layer.",
	Remediation: "Leave AppArmor unset, or set appArmorProfile.type to RuntimeDefault or Localhost " +
		"(annotations: runtime/default or localhost/<profile>).",
	References: policy.References{PSS: "AppArmor (baseline)", URLs: []string{docURL + "#baseline"}},
	Level:      baseline,
	Kinds:      policy.PodKinds(),
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		vs := appArmorFieldViolations(in)
		return append(vs, appArmorAnnotationViolations(in)...), nil
	},
}

var allowedAppArmorTypes = sets.New(corev1.AppArmorProfileTypeRuntimeDefault, corev1.AppArmorProfileTypeLocalhost)

func appArmorFieldViolations(in *policy.Input) []policy.Violation {
	const field = "securityContext.appArmorProfile.type"
	var vs []policy.Violation
	if sc := in.Object.Pod.Spec.SecurityContext; sc != nil && sc.AppArmorProfile != nil && !allowedAppArmorTypes.Has(sc.AppArmorProfile.Type) {
		vs = append(vs, podViolation(in, field, fmt.Sprintf("must not set AppArmor profile type to %q", sc.AppArmorProfile.Type)))
	}
	for _, c := range in.Containers() {
		if sc := c.SecurityContext; sc != nil && sc.AppArmorProfile != nil && !allowedAppArmorTypes.Has(sc.AppArmorProfile.Type) {
			vs = append(vs, containerViolation(c, field, fmt.Sprintf("must not set AppArmor profile type to %q", sc.AppArmorProfile.Type)))
		}
	}
	return vs
}

// appArmorAnnotationViolations checks every annotation with the per-container
// prefix, whether or not it names a container of the pod, as upstream does.
func appArmorAnnotationViolations(in *policy.Input) []policy.Violation {
	var vs []policy.Violation
	for _, k := range slices.Sorted(maps.Keys(in.Object.Pod.Meta.Annotations)) {
		v := in.Object.Pod.Meta.Annotations[k]
		if strings.HasPrefix(k, corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix) && !allowedAppArmorAnnotation(v) {
			vs = append(vs, policy.Violation{Path: annotationField(in, k),
				Message: fmt.Sprintf("annotation must not set AppArmor profile %q", v)})
		}
	}
	return vs
}

func allowedAppArmorAnnotation(v string) bool {
	return v == "" || v == corev1.DeprecatedAppArmorBetaProfileRuntimeDefault ||
		strings.HasPrefix(v, corev1.DeprecatedAppArmorBetaProfileNamePrefix)
}
