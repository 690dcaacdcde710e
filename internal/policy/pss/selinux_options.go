package pss

import (
	"context"
	"fmt"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
)

// seLinuxOptions is the baseline control "SELinux": the SELinux type may
// only be one of the container types and user and role may not be set.
// v1.31 added container_engine_t to the allowed types.
var seLinuxOptions = &policy.Rule{
	ID:       "pss.seLinuxOptions",
	Title:    "Custom SELinux options are disallowed",
	Severity: finding.SeverityMedium,
	Rationale: "Setting a custom SELinux user or role, or a type other than the container types, " +
		"can lift the SELinux confinement of the container.",
	Remediation: "Leave seLinuxOptions.user and .role unset and set .type only to container_t, container_init_t, " +
		"container_kvm_t or (v1.31 on) container_engine_t.",
	References: policy.References{PSS: "SELinux (baseline)", URLs: []string{docURL + "#baseline"}},
	Level:      baseline,
	Kinds:      policy.PodKinds(),
	Check:      checkSELinuxOptions,
}

var (
	seLinuxTypesV1Dot0  = sets.New("", "container_t", "container_init_t", "container_kvm_t")
	seLinuxTypesV1Dot31 = seLinuxTypesV1Dot0.Union(sets.New("container_engine_t"))
)

func checkSELinuxOptions(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
	allowed := seLinuxTypesV1Dot0
	if in.PSS.AtLeast(31) {
		allowed = seLinuxTypesV1Dot31
	}
	var vs []policy.Violation
	if sc := in.Object.Pod.Spec.SecurityContext; sc != nil && sc.SELinuxOptions != nil {
		for _, b := range badSELinux(sc.SELinuxOptions, allowed) {
			vs = append(vs, podViolation(in, "securityContext.seLinuxOptions."+b.field, b.msg))
		}
	}
	for _, c := range in.Containers() {
		if sc := c.SecurityContext; sc != nil && sc.SELinuxOptions != nil {
			for _, b := range badSELinux(sc.SELinuxOptions, allowed) {
				vs = append(vs, containerViolation(c, "securityContext.seLinuxOptions."+b.field, b.msg))
			}
		}
	}
	return vs, nil
}

type badField struct{ field, msg string }

func badSELinux(o *corev1.SELinuxOptions, allowed sets.Set[string]) []badField {
	const prefix = "set forbidden securityContext.seLinuxOptions: "
	var out []badField
	if !allowed.Has(o.Type) {
		out = append(out, badField{"type", fmt.Sprintf(prefix+"type %q", o.Type)})
	}
	if o.User != "" {
		out = append(out, badField{"user", prefix + "user may not be set"})
	}
	if o.Role != "" {
		out = append(out, badField{"role", prefix + "role may not be set"})
	}
	return out
}
