package pss

import (
	"context"
	"fmt"
	"strings"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
)

// seccompProfileBaseline is the baseline control "Seccomp": seccomp may not
// be set to Unconfined. Before v1.19 upstream reads the alpha annotations
// (the pod's and one per container name) and ignores the fields; from
// v1.19 it reads the seccompProfile fields and ignores the annotations.
var seccompProfileBaseline = &policy.Rule{
	ID:       "pss.seccompProfile_baseline",
	Title:    "Unconfined seccomp profiles are disallowed",
	Severity: finding.SeverityMedium,
	Rationale: "Seccomp filters the system calls a container may make; an unconfined container " +
		"exposes the whole kernel interface.",
	Remediation: "Set seccompProfile.type to RuntimeDefault or Localhost, or leave it unset " +
		"(before v1.19: annotations runtime/default, docker/default or localhost/<profile>).",
	References: policy.References{PSS: "Seccomp (baseline)", CIS: "5.7.2", URLs: []string{docURL + "#baseline"}},
	Level:      baseline,
	Kinds:      policy.PodKinds(),
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		if !in.PSS.AtLeast(19) {
			return seccompAnnotationViolations(in), nil
		}
		return seccompFieldViolations(in, false), nil
	},
}

func seccompAnnotationViolations(in *policy.Input) []policy.Violation {
	keys := []string{corev1.SeccompPodAnnotationKey}
	for _, c := range in.Containers() {
		keys = append(keys, corev1.SeccompContainerAnnotationKeyPrefix+c.Name)
	}
	var vs []policy.Violation
	for _, k := range keys {
		if v, ok := in.Object.Pod.Meta.Annotations[k]; ok && !validSeccompAnnotation(v) {
			vs = append(vs, policy.Violation{Path: annotationField(in, k), Message: fmt.Sprintf("forbidden annotation %s=%q", k, v)})
		}
	}
	return vs
}

// validSeccompAnnotation allows the values upstream allows; an annotation
// present with an empty value is not one of them.
func validSeccompAnnotation(v string) bool {
	return v == corev1.SeccompProfileRuntimeDefault || v == corev1.DeprecatedSeccompProfileDockerDefault ||
		strings.HasPrefix(v, corev1.SeccompLocalhostProfileNamePrefix)
}

func validSeccompType(t corev1.SeccompProfileType) bool {
	return t == corev1.SeccompProfileTypeRuntimeDefault || t == corev1.SeccompProfileTypeLocalhost
}

// seccompFieldViolations finds seccompProfile.type fields set to a value
// other than RuntimeDefault or Localhost; with required (restricted), also
// the containers that set none while the pod sets no valid one.
func seccompFieldViolations(in *policy.Input, required bool) []policy.Violation {
	const field = "securityContext.seccompProfile.type"
	var vs []policy.Violation
	podSet := false
	if sc := in.Object.Pod.Spec.SecurityContext; sc != nil && sc.SeccompProfile != nil {
		podSet = validSeccompType(sc.SeccompProfile.Type)
		if !podSet {
			vs = append(vs, podViolation(in, field, fmt.Sprintf("must not set %s to %q", field, sc.SeccompProfile.Type)))
		}
	}
	for _, c := range in.Containers() {
		switch sc := c.SecurityContext; {
		case sc != nil && sc.SeccompProfile != nil:
			if !validSeccompType(sc.SeccompProfile.Type) {
				vs = append(vs, containerViolation(c, field, fmt.Sprintf("must not set %s to %q", field, sc.SeccompProfile.Type)))
			}
		case required && !podSet:
			vs = append(vs, policy.Violation{Path: c.Field(field), Container: c.Name,
				Message: fmt.Sprintf(`pod or container %q must set %s to "RuntimeDefault" or "Localhost"`, c.Name, field)})
		}
	}
	return vs
}
