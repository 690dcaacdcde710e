package workload

import (
	"context"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// seLinux implements Azure Policy's "Kubernetes cluster pods and
// containers should follow SELinux security standards" (version 8). With
// enforcePSS it applies the Pod Security Standards' SELinux control: type
// empty or allowed, user and role empty. Otherwise, as Gatekeeper's
// k8spspselinux, each seLinuxOptions set on the pod or a container must
// match one allowed entry, where a field the options leave empty matches
// anything and a field they set must equal the entry's.
var seLinux = &policy.Rule{
	ID:       "k8s.seLinux",
	Title:    "Kubernetes cluster pods and containers should follow SELinux security standards",
	Severity: finding.SeverityMedium,
	Rationale: "Custom SELinux users, roles or types can lift the confinement container_t gives a process; " +
		"spc_t or an admin role makes a container as strong as an unconfined host process.",
	Remediation: "Remove seLinuxOptions or use an allowed type (container_t, container_init_t, container_kvm_t, " +
		"container_engine_t) without user and role.",
	References: policy.References{
		Azure: "e1e6c427-07d9-46ab-9689-bfa85431e636",
		URLs:  []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{
		{Name: "enforcePSS", Default: false,
			Doc: "Apply the Pod Security Standards' SELinux control (allowedSELinuxTypes) instead of allowedSELinuxOptions."},
		{Name: "allowedSELinuxTypes", Default: []string{"container_t", "container_init_t", "container_kvm_t", "container_engine_t"},
			Doc: "SELinux types allowed when enforcePSS is true; an empty type is always allowed."},
		{Name: "allowedSELinuxOptions", Default: map[string]any{"options": []any{}},
			Doc: "{\"options\": [{\"level\", \"role\", \"type\", \"user\"}]}: the option sets allowed when enforcePSS is false; empty allows none."},
	},
	Check: exceptPodUpdate(checkSELinux),
}

type seLinuxOptionsList struct {
	Options []corev1.SELinuxOptions `json:"options"`
}

func checkSELinux(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
	if !anySELinuxOptions(in) {
		return nil, nil
	}
	allowed, err := seLinuxJudge(in)
	if err != nil {
		return nil, err
	}
	pod := in.Object.Pod
	var vs []policy.Violation
	if sc := pod.Spec.SecurityContext; sc != nil && sc.SELinuxOptions != nil && !allowed(sc.SELinuxOptions) {
		vs = append(vs, policy.Violation{Path: pod.SpecPath + ".securityContext.seLinuxOptions",
			Message: "the pod's seLinuxOptions are not allowed"})
	}
	for _, c := range in.Containers() {
		if sc := c.SecurityContext; sc != nil && sc.SELinuxOptions != nil && !allowed(sc.SELinuxOptions) {
			vs = append(vs, policy.Violation{Path: c.Field("securityContext.seLinuxOptions"), Container: c.Name,
				Message: "container " + c.Name + "'s seLinuxOptions are not allowed"})
		}
	}
	return vs, nil
}

// anySELinuxOptions reports whether the pod or a covered container sets
// seLinuxOptions, so that pods without any cost no parameter decoding.
func anySELinuxOptions(in *policy.Input) bool {
	if sc := in.Object.Pod.Spec.SecurityContext; sc != nil && sc.SELinuxOptions != nil {
		return true
	}
	return slices.ContainsFunc(in.Containers(), func(c policy.Container) bool {
		return c.SecurityContext != nil && c.SecurityContext.SELinuxOptions != nil
	})
}

// seLinuxJudge returns the test of one seLinuxOptions for the rule's mode.
func seLinuxJudge(in *policy.Input) (func(*corev1.SELinuxOptions) bool, error) {
	if in.Params.Bool("enforcePSS") {
		types := in.Params.Strings("allowedSELinuxTypes")
		return func(o *corev1.SELinuxOptions) bool {
			return o.User == "" && o.Role == "" && (o.Type == "" || slices.Contains(types, o.Type))
		}, nil
	}
	var list seLinuxOptionsList
	if err := decodeParam(in, "allowedSELinuxOptions", &list); err != nil {
		return nil, err
	}
	return func(o *corev1.SELinuxOptions) bool {
		return slices.ContainsFunc(list.Options, func(a corev1.SELinuxOptions) bool { return seLinuxCovers(a, *o) })
	}, nil
}

// seLinuxCovers reports whether options o fit the allowed entry a.
func seLinuxCovers(a, o corev1.SELinuxOptions) bool {
	fits := func(allowed, set string) bool { return set == "" || set == allowed }
	return fits(a.Level, o.Level) && fits(a.Role, o.Role) && fits(a.Type, o.Type) && fits(a.User, o.User)
}
