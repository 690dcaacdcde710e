package workload

import (
	"strconv"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// effectiveRunAsUser returns the user a container runs as when the pod
// says so: the container's runAsUser, else the pod's. ok is false when
// neither sets it (the image's user applies, which admission cannot see).
func effectiveRunAsUser(pod *policy.Pod, c policy.Container) (int64, bool) {
	v, _, ok := runAsUser(pod, c)
	return v, ok
}

// runAsUser returns the effective runAsUser with the path where it is set.
func runAsUser(pod *policy.Pod, c policy.Container) (int64, string, bool) {
	if sc := c.SecurityContext; sc != nil && sc.RunAsUser != nil {
		return *sc.RunAsUser, c.Field("securityContext.runAsUser"), true
	}
	if sc := pod.Spec.SecurityContext; sc != nil && sc.RunAsUser != nil {
		return *sc.RunAsUser, pod.SpecPath + ".securityContext.runAsUser", true
	}
	return 0, "", false
}

// runAsGroup returns the effective runAsGroup with the path where it is set.
func runAsGroup(pod *policy.Pod, c policy.Container) (int64, string, bool) {
	if sc := c.SecurityContext; sc != nil && sc.RunAsGroup != nil {
		return *sc.RunAsGroup, c.Field("securityContext.runAsGroup"), true
	}
	if sc := pod.Spec.SecurityContext; sc != nil && sc.RunAsGroup != nil {
		return *sc.RunAsGroup, pod.SpecPath + ".securityContext.runAsGroup", true
	}
	return 0, "", false
}

// runAsNonRoot returns the effective runAsNonRoot (container, else pod).
func runAsNonRoot(pod *policy.Pod, c policy.Container) bool {
	if sc := c.SecurityContext; sc != nil && sc.RunAsNonRoot != nil {
		return *sc.RunAsNonRoot
	}
	sc := pod.Spec.SecurityContext
	return sc != nil && sc.RunAsNonRoot != nil && *sc.RunAsNonRoot
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
