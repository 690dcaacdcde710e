package workload

import (
	"strconv"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// userViolations judges a container's effective runAsUser.
func userViolations(pod *policy.Pod, c policy.Container, r idRule) []policy.Violation {
	id, path, set := runAsUser(pod, c)
	if path == "" {
		path = c.Field("securityContext.runAsUser")
	}
	var msg string
	switch {
	case r.strategy != mustRunAsNonRoot:
		msg = r.judge(id, set)
	case set && id == 0:
		msg = "is 0 (root)"
	case !set && !runAsNonRoot(pod, c):
		msg = "is not set and runAsNonRoot is not true, so the image's user, possibly root, applies"
	}
	if msg == "" {
		return nil
	}
	return []policy.Violation{{Path: path, Container: c.Name, Message: "runAsUser of container " + c.Name + " " + msg}}
}

// groupViolations judges a container's effective runAsGroup.
func groupViolations(pod *policy.Pod, c policy.Container, r idRule) []policy.Violation {
	id, path, set := runAsGroup(pod, c)
	msg := r.judge(id, set)
	if msg == "" {
		return nil
	}
	if path == "" {
		path = c.Field("securityContext.runAsGroup")
	}
	return []policy.Violation{{Path: path, Container: c.Name, Message: "runAsGroup of container " + c.Name + " " + msg}}
}

// podGroupViolations judges the pod-level fsGroup and supplementalGroups.
func podGroupViolations(pod *policy.Pod, ug usersGroups) []policy.Violation {
	sc := pod.Spec.SecurityContext
	var vs []policy.Violation
	var fs int64
	if sc != nil && sc.FSGroup != nil {
		fs = *sc.FSGroup
	}
	if msg := ug.fs.judge(fs, sc != nil && sc.FSGroup != nil); msg != "" {
		vs = append(vs, policy.Violation{Path: pod.SpecPath + ".securityContext.fsGroup", Message: "the pod's fsGroup " + msg})
	}
	if sc == nil || sc.SupplementalGroups == nil {
		if msg := ug.supplemental.judge(0, false); msg != "" {
			vs = append(vs, policy.Violation{Path: pod.SpecPath + ".securityContext.supplementalGroups", Message: "the pod's supplementalGroups " + msg})
		}
		return vs
	}
	for i, g := range sc.SupplementalGroups {
		if msg := ug.supplemental.judge(g, true); msg != "" {
			vs = append(vs, policy.Violation{Path: pod.SpecPath + ".securityContext.supplementalGroups[" + strconv.Itoa(i) + "]",
				Message: "the pod's supplemental group " + msg})
		}
	}
	return vs
}
