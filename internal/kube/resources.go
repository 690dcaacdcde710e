package kube

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Resource is one kind Bulwark inventories. The informers, the permission
// probe and the ClusterRole all read Resources, so the role grants exactly
// what the watcher uses.
type Resource struct {
	Group, Version, Name, Kind string
	// Why is the reason Bulwark reads it, printed beside its rule.
	Why string
}

// GVR is the resource's group, version and plural name.
func (r Resource) GVR() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: r.Group, Version: r.Version, Resource: r.Name}
}

// resources is the inventory's one table. Pod-bearing kinds come first so
// the role reads in the order a user thinks of workloads.
var resources = []Resource{
	{"", "v1", "pods", "Pod", "running containers, their nodes and the image digests they run"},
	{"apps", "v1", "deployments", "Deployment", "workloads: top controller of ReplicaSets and their pods, pod template for policy"},
	{"apps", "v1", "replicasets", "ReplicaSet", "owner chain from a pod to its Deployment"},
	{"apps", "v1", "statefulsets", "StatefulSet", "workloads: pod template for policy"},
	{"apps", "v1", "daemonsets", "DaemonSet", "workloads: pod template for policy"},
	{"batch", "v1", "jobs", "Job", "workloads, and the owner chain from a pod to its CronJob"},
	{"batch", "v1", "cronjobs", "CronJob", "workloads: job template for policy"},
	{"", "v1", "replicationcontrollers", "ReplicationController", "workloads of the oldest controller kind"},
	{"", "v1", "nodes", "Node", "node inventory: kubelet version, OS image, runtime, kernel, roles, conditions"},
	{"", "v1", "namespaces", "Namespace", "namespace inventory and policy scope"},
	{"", "v1", "services", "Service", "how workloads are exposed (type, ports) for policy"},
	{"networking.k8s.io", "v1", "ingresses", "Ingress", "workloads exposed outside the cluster, for policy"},
	{"rbac.authorization.k8s.io", "v1", "roles", "Role", "who may do what in a namespace, for posture rules"},
	{"rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", "which subjects hold namespaced roles, for posture rules"},
	{"rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", "cluster-wide permissions, for posture rules"},
	{"rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", "which subjects hold cluster-wide roles, for posture rules"},
}

// Resources returns the kinds Bulwark inventories.
func Resources() []Resource { return append([]Resource(nil), resources...) }

// Verbs are the only verbs Bulwark needs on each resource: it never reads
// one object by name (get) and never writes.
var verbs = []string{"list", "watch"}

// resourceByName finds a table entry by its plural name.
func resourceByName(name string) (Resource, bool) {
	for _, r := range resources {
		if r.Name == name {
			return r, true
		}
	}
	return Resource{}, false
}
