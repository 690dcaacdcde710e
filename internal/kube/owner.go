package kube

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Ref names one object of the cluster.
type Ref struct {
	Kind, Namespace, Name string
	UID                   types.UID
}

// String is "Kind/namespace/name", or "Kind/name" when cluster-scoped.
func (r Ref) String() string {
	if r.Namespace == "" {
		return r.Kind + "/" + r.Name
	}
	return r.Kind + "/" + r.Namespace + "/" + r.Name
}

// maxChain bounds an owner chain: real ones are at most three long
// (Pod, Job, CronJob), so a longer one is a cycle or a hostile object.
const maxChain = 8

// ControllerFunc returns the controller of the object with uid, and false
// when the object is unknown or has no controller.
type ControllerFunc func(uid types.UID) (Ref, bool)

// Chain returns start followed by its controllers, the top controller
// last: Pod, ReplicaSet, Deployment. An owner Bulwark does not watch (a
// custom controller's resource) ends the chain as its top; a cycle ends it
// at the last object before the repeat.
func Chain(start Ref, controllerOf ControllerFunc) []Ref {
	chain := []Ref{start}
	seen := map[types.UID]bool{start.UID: true}
	for len(chain) < maxChain {
		owner, ok := controllerOf(chain[len(chain)-1].UID)
		if !ok || seen[owner.UID] {
			break
		}
		seen[owner.UID] = true
		chain = append(chain, owner)
	}
	return chain
}

// controllerRef is the controlling owner of an object in namespace ns, as
// a Ref. A static pod's mirror is controlled by its Node: the pod, not the
// node, is then the workload, so that owner is not followed.
func controllerRef(ns string, m metav1.Object) (Ref, bool) {
	c := metav1.GetControllerOfNoCopy(m)
	if c == nil || c.Kind == "Node" {
		return Ref{}, false
	}
	return Ref{Kind: c.Kind, Namespace: ns, Name: c.Name, UID: c.UID}, true
}
