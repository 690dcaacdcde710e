package workload

import (
	"context"

	corev1 "k8s.io/api/core/v1"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// appArmorAnnotation is the deprecated per-container AppArmor annotation,
// which the kubelet still honours when no appArmorProfile field is set.
const appArmorAnnotation = "container.apparmor.security.beta.kubernetes.io/"

// allowedAppArmorProfiles implements Azure Policy's "Kubernetes cluster
// containers should only use allowed AppArmor profiles" (Gatekeeper's
// k8spspapparmor): each container's profile (its appArmorProfile, else its
// annotation, else the pod's appArmorProfile, else runtime/default, which
// the runtime applies) must be listed. As Azure documents, "localhost/*"
// allows every local profile; Gatekeeper's template only compares exactly.
var allowedAppArmorProfiles = &policy.Rule{
	ID:       "k8s.allowedAppArmorProfiles",
	Title:    "Kubernetes cluster containers should only use allowed AppArmor profiles",
	Severity: finding.SeverityHigh, // Defender rates its recommendation high.
	Rationale: "AppArmor confines what files, capabilities and mounts a container's processes may use even as " +
		"root; an unconfined container loses that layer, which several container escapes rely on.",
	Remediation: "Remove the Unconfined profile: set securityContext.appArmorProfile.type: RuntimeDefault (or an " +
		"allowed Localhost profile) and drop the container.apparmor.security.beta.kubernetes.io annotation.",
	References: policy.References{
		Azure: "511f5417-5d12-434d-ab2e-816901e72a5e",
		URLs:  []string{"https://kubernetes.io/docs/tutorials/security/apparmor/"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{
		{Name: "allowedProfiles", Default: []string{"runtime/default"},
			Doc: "AppArmor profiles containers may use: runtime/default, unconfined, localhost/<name>, localhost/* for any local profile; empty allows none."},
	},
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		allowed := in.Params.Strings("allowedProfiles")
		var vs []policy.Violation
		for _, c := range in.Containers() {
			profile, path := appArmorOf(in.Object.Pod, c)
			if !policy.MatchAny(allowed, profile) {
				vs = append(vs, policy.Violation{Path: path, Container: c.Name,
					Message: "container " + c.Name + " uses AppArmor profile " + profile + ", which is not allowed"})
			}
		}
		return vs, nil
	}),
}

// appArmorOf returns a container's effective AppArmor profile in the
// annotation's spelling and the path where it is set.
func appArmorOf(pod *policy.Pod, c policy.Container) (string, string) {
	if sc := c.SecurityContext; sc != nil && sc.AppArmorProfile != nil {
		return appArmorName(sc.AppArmorProfile), c.Field("securityContext.appArmorProfile")
	}
	if p, ok := pod.Meta.Annotations[appArmorAnnotation+c.Name]; ok {
		return p, annotationPath(pod, appArmorAnnotation+c.Name)
	}
	if sc := pod.Spec.SecurityContext; sc != nil && sc.AppArmorProfile != nil {
		return appArmorName(sc.AppArmorProfile), pod.SpecPath + ".securityContext.appArmorProfile"
	}
	return "runtime/default", c.Field("securityContext.appArmorProfile")
}

func appArmorName(p *corev1.AppArmorProfile) string {
	switch p.Type {
	case corev1.AppArmorProfileTypeRuntimeDefault:
		return "runtime/default"
	case corev1.AppArmorProfileTypeUnconfined:
		return "unconfined"
	case corev1.AppArmorProfileTypeLocalhost:
		if p.LocalhostProfile != nil {
			return "localhost/" + *p.LocalhostProfile
		}
		return "localhost/"
	}
	return string(p.Type)
}
