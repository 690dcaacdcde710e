package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// isWindowsPod reports whether a pod runs on Windows nodes, as far as its
// spec says: spec.os.name (which the API server then holds it to) or a
// nodeSelector on the kubernetes.io/os label.
func isWindowsPod(spec *corev1.PodSpec) bool {
	if spec.OS != nil {
		return spec.OS.Name == corev1.Windows
	}
	return spec.NodeSelector["kubernetes.io/os"] == "windows"
}

// runAsUserName returns the Windows user a container runs as when the pod
// says so (the container's windowsOptions.runAsUserName, else the pod's)
// with the path where it is set; ok is false when neither sets it.
func runAsUserName(pod *policy.Pod, c policy.Container) (string, string, bool) {
	if sc := c.SecurityContext; sc != nil && sc.WindowsOptions != nil && sc.WindowsOptions.RunAsUserName != nil {
		return *sc.WindowsOptions.RunAsUserName, c.Field("securityContext.windowsOptions.runAsUserName"), true
	}
	if sc := pod.Spec.SecurityContext; sc != nil && sc.WindowsOptions != nil && sc.WindowsOptions.RunAsUserName != nil {
		return *sc.WindowsOptions.RunAsUserName, pod.SpecPath + ".securityContext.windowsOptions.runAsUserName", true
	}
	return "", "", false
}
