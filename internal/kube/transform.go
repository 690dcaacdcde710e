package kube

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
)

// lastApplied is kubectl apply's copy of the whole object, as large as the
// object itself and of no use to the inventory.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// stripBulk drops, before an object enters the informer's cache, what
// Bulwark never reads and that can be most of an object's size: field
// managers, kubectl's last-applied copy, and the list of every image a
// node holds. Pod templates stay: the policy engine reads them. Anything
// that is not an object (a deletion marker) passes unchanged.
func stripBulk(obj any) (any, error) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return obj, nil
	}
	m.SetManagedFields(nil)
	if a := m.GetAnnotations(); a[lastApplied] != "" {
		delete(a, lastApplied)
	}
	if n, ok := obj.(*corev1.Node); ok {
		n.Status.Images = nil
	}
	return obj, nil
}
