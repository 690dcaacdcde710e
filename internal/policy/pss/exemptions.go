package pss

import corev1 "k8s.io/api/core/v1"

// windowsPod reports whether the pod declares spec.os.name=windows. From
// v1.25 upstream exempts such pods from the restricted checks of
// Linux-only fields (allowPrivilegeEscalation, seccomp, capabilities),
// which the API server's validation forbids a Windows pod to set.
func windowsPod(s *corev1.PodSpec) bool { return s.OS != nil && s.OS.Name == corev1.Windows }

// userNamespacePod reports whether the pod runs in its own user namespace
// (hostUsers: false). From v1.35 upstream relaxes procMount (baseline),
// runAsNonRoot and runAsUser for such pods: root in the pod is not root on
// the node.
func userNamespacePod(s *corev1.PodSpec) bool { return s.HostUsers != nil && !*s.HostUsers }
