package main

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// compliantDeployment meets the Pod Security Standards' restricted level
// and the usual best practices: pinned image, non-root, read-only root
// file system, no privilege escalation, all capabilities dropped, seccomp
// RuntimeDefault, requests and limits, probes, no service-account token.
func compliantDeployment() *appsv1.Deployment {
	no, yes, user, replicas := false, true, int64(10001), int32(1)
	rl := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi")}
	probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"/bin/true"}}}}
	labels := map[string]string{"app": "web"}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: labels},
		Spec: appsv1.DeploymentSpec{Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{
				AutomountServiceAccountToken: &no,
				SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: &yes, RunAsUser: &user, RunAsGroup: &user,
					SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
				Containers: []corev1.Container{{
					Name: "web", Image: "registry.invalid/web:1.4.2@sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
					ImagePullPolicy: corev1.PullIfNotPresent,
					Resources:       corev1.ResourceRequirements{Requests: rl, Limits: rl},
					LivenessProbe:   probe, ReadinessProbe: probe,
					SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: &no, ReadOnlyRootFilesystem: &yes,
						RunAsNonRoot: &yes, Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}},
				}},
			}}},
	}
}
