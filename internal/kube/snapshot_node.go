package kube

import (
	"maps"

	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// nodeOf is a node's inventory entry.
func nodeOf(n *corev1.Node) Node {
	info := n.Status.NodeInfo
	out := Node{Name: n.Name, KubeletVersion: info.KubeletVersion, OSImage: info.OSImage,
		ContainerRuntime: info.ContainerRuntimeVersion, KernelVersion: info.KernelVersion,
		Architecture: info.Architecture, Roles: nodeRoles(n.Labels), Created: n.CreationTimestamp.Time}
	for _, c := range n.Status.Conditions {
		out.Conditions = append(out.Conditions, Condition{Type: string(c.Type), Status: string(c.Status),
			Reason: c.Reason, Message: c.Message, Since: c.LastTransitionTime.Time})
	}
	return out
}

// nodeRoles reads roles as kubectl does: node-role.kubernetes.io/<role>
// labels, and the older kubernetes.io/role label's value.
func nodeRoles(labels map[string]string) []string {
	var roles []string
	for k, v := range labels {
		if role, ok := strings.CutPrefix(k, "node-role.kubernetes.io/"); ok && role != "" {
			roles = append(roles, role)
		} else if k == "kubernetes.io/role" && v != "" {
			roles = append(roles, v)
		}
	}
	slices.Sort(roles)
	return slices.Compact(roles)
}

// namespaceOf is a namespace's inventory entry.
func namespaceOf(n *corev1.Namespace) Namespace {
	return Namespace{Name: n.Name, Phase: string(n.Status.Phase), Labels: maps.Clone(n.Labels), Created: n.CreationTimestamp.Time}
}
