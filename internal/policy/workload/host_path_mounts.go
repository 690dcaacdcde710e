package workload

import (
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// mountUse is how the containers a rule covers use one volume.
type mountUse struct{ writable bool }

func (m mountUse) describe() string {
	if m.writable {
		return " writable, which is not allowed"
	}
	return ", which is not allowed"
}

// hostPathMounts says, per volume name, whether the rule judges it and
// whether a covered container mounts it writable. A volume no container
// mounts is judged (it is still declared); one mounted only by excluded
// containers is not.
func hostPathMounts(pod *policy.Pod, covered []policy.Container) map[string]mountUse {
	out := map[string]mountUse{}
	for _, v := range pod.Spec.Volumes {
		if v.HostPath != nil && !mountedByAny(pod, v.Name) {
			out[v.Name] = mountUse{}
		}
	}
	for _, c := range covered {
		for _, m := range c.VolumeMounts {
			u := out[m.Name]
			u.writable = u.writable || !m.ReadOnly
			out[m.Name] = u
		}
	}
	return out
}

func mountedByAny(pod *policy.Pod, volume string) bool {
	for _, c := range pod.AllContainers() {
		if mountsVolume(c.VolumeMounts, volume) {
			return true
		}
	}
	return false
}

func mountsVolume(ms []corev1.VolumeMount, volume string) bool {
	return slices.ContainsFunc(ms, func(m corev1.VolumeMount) bool { return m.Name == volume })
}
