package kube

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// snapshot builds the inventory from the objects under one lock.
func (s *state) snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := &builder{s: s, workloads: map[types.UID]*Workload{}, images: map[string]*RunningImage{}}
	for _, e := range s.byUID {
		b.add(e)
	}
	snap := b.finish()
	snap.Generation = s.gen
	snap.Cluster = s.clusterLocked(len(snap.Nodes))
	snap.Tombstones = append([]Tombstone(nil), s.tombstones...)
	return snap
}

// builder gathers one snapshot.
type builder struct {
	s         *state
	snap      Snapshot
	workloads map[types.UID]*Workload
	images    map[string]*RunningImage
}

// add files one object under its part of the inventory. Services,
// ingresses and RBAC objects are kept for policy, not listed here.
func (b *builder) add(e entry) {
	switch o := e.obj.(type) {
	case *corev1.Node:
		b.snap.Nodes = append(b.snap.Nodes, nodeOf(o))
	case *corev1.Namespace:
		b.snap.Namespaces = append(b.snap.Namespaces, namespaceOf(o))
	case *corev1.Pod:
		b.addPod(e, o)
	default:
		if podBearing[e.res.Kind] {
			b.addController(e)
		}
	}
}

// podBearing are the controller kinds whose pods Bulwark follows.
var podBearing = map[string]bool{"Deployment": true, "ReplicaSet": true, "StatefulSet": true, "DaemonSet": true,
	"Job": true, "CronJob": true, "ReplicationController": true}

// controllerOf follows the objects of this snapshot.
func (b *builder) controllerOf(uid types.UID) (Ref, bool) {
	e, ok := b.s.byUID[uid]
	if !ok {
		return Ref{}, false
	}
	return controllerRef(e.meta.GetNamespace(), e.meta)
}

// addController makes a controller with no controller of its own a
// workload, even when it has no pods (scaled to zero, a CronJob between
// runs).
func (b *builder) addController(e entry) {
	ref := refOf(e)
	chain := Chain(ref, b.controllerOf)
	if len(chain) == 1 {
		b.workload(ref)
	}
}

// workload returns the workload with top ref, made on first use.
func (b *builder) workload(ref Ref) *Workload {
	w, ok := b.workloads[ref.UID]
	if !ok {
		w = &Workload{Ref: ref}
		b.workloads[ref.UID] = w
	}
	if e, seen := b.s.byUID[ref.UID]; seen {
		w.Watched, w.Created = true, e.meta.GetCreationTimestamp().Time
	}
	return w
}

// refOf names a watched object.
func refOf(e entry) Ref {
	return Ref{Kind: e.res.Kind, Namespace: e.meta.GetNamespace(), Name: e.meta.GetName(), UID: e.meta.GetUID()}
}

// finish sorts every list.
func (b *builder) finish() Snapshot {
	for _, w := range b.workloads {
		sortBy(w.Pods, func(p Pod) string { return p.Name })
		b.snap.Workloads = append(b.snap.Workloads, *w)
	}
	for _, img := range b.images {
		sortBy(img.Uses, func(u ImageUse) string { return u.Workload.String() + "/" + u.Pod + "/" + u.Container })
		b.snap.Images = append(b.snap.Images, *img)
	}
	sortBy(b.snap.Nodes, func(n Node) string { return n.Name })
	sortBy(b.snap.Namespaces, func(n Namespace) string { return n.Name })
	sortBy(b.snap.Workloads, func(w Workload) string { return w.String() })
	sortBy(b.snap.Images, func(i RunningImage) string { return i.String() })
	return b.snap
}
