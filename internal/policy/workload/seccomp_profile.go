package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// The deprecated seccomp annotations, still read by Azure's and
// Gatekeeper's templates for pods written before seccompProfile existed.
const (
	seccompPodAnnotation       = "seccomp.security.alpha.kubernetes.io/pod"
	seccompContainerAnnotation = "container.seccomp.security.alpha.kubernetes.io/"
)

// notConfigured is the profile of a container for which nothing sets one,
// named as Gatekeeper names it so that an allowed list may include it.
const notConfigured = "not configured"

// seccompSetting is a container's effective seccomp profile in the
// annotations' spelling ("runtime/default", "localhost/<file>",
// "unconfined") with the path where it is set.
type seccompSetting struct {
	profile string
	path    string
}

// seccompOf finds a container's profile as Gatekeeper's k8spspseccomp
// does: the container's seccompProfile, else the pod's, else the
// container's annotation, else the pod's annotation.
func seccompOf(pod *policy.Pod, c policy.Container) seccompSetting {
	if sc := c.SecurityContext; sc != nil && sc.SeccompProfile != nil {
		return seccompSetting{seccompName(sc.SeccompProfile), c.Field("securityContext.seccompProfile")}
	}
	if sc := pod.Spec.SecurityContext; sc != nil && sc.SeccompProfile != nil {
		return seccompSetting{seccompName(sc.SeccompProfile), pod.SpecPath + ".securityContext.seccompProfile"}
	}
	if p, ok := pod.Meta.Annotations[seccompContainerAnnotation+c.Name]; ok {
		return seccompSetting{p, annotationPath(pod, seccompContainerAnnotation+c.Name)}
	}
	if p, ok := pod.Meta.Annotations[seccompPodAnnotation]; ok {
		return seccompSetting{p, annotationPath(pod, seccompPodAnnotation)}
	}
	return seccompSetting{notConfigured, c.Field("securityContext.seccompProfile")}
}

// seccompName spells a seccompProfile the way the annotations do.
func seccompName(p *corev1.SeccompProfile) string {
	switch p.Type {
	case corev1.SeccompProfileTypeRuntimeDefault:
		return "runtime/default"
	case corev1.SeccompProfileTypeUnconfined:
		return "unconfined"
	case corev1.SeccompProfileTypeLocalhost:
		if p.LocalhostProfile != nil {
			return "localhost/" + *p.LocalhostProfile
		}
		return "localhost/"
	}
	return string(p.Type)
}

// annotationPath is the field path of an annotation, in the form the API
// server's errors use (metadata.annotations[key]).
func annotationPath(pod *policy.Pod, key string) string {
	return pod.MetaPath + ".annotations[" + key + "]"
}
