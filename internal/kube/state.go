package kube

import (
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"
)

// maxTombstones bounds the deleted objects kept: pods of busy Jobs are
// deleted all day, and the store keeps the long history.
const maxTombstones = 1000

// entry is one watched object with the table row it came from.
type entry struct {
	res  *Resource
	obj  runtime.Object
	meta metav1.Object
}

// state is the watcher's inventory, changed by informer events and read
// whole by Snapshot under one lock, so a snapshot never mixes two moments.
type state struct {
	mu         sync.Mutex
	byUID      map[types.UID]entry
	tombstones []Tombstone
	errs       map[string]ResourceError
	synced     bool
	version    string
	gen        uint64
	changed    chan struct{}
	now        func() time.Time
}

func newState() *state {
	return &state{byUID: map[types.UID]entry{}, errs: map[string]ResourceError{},
		changed: make(chan struct{}, 1), now: time.Now}
}

// put records an added or updated object.
func (s *state) put(res *Resource, obj any) {
	ro, ok := obj.(runtime.Object)
	if !ok {
		return
	}
	m, err := meta.Accessor(ro)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byUID[m.GetUID()] = entry{res: res, obj: ro, meta: m}
	s.changedLocked()
}

// remove moves a deleted object to the tombstones. A delete the informer
// only learnt of on relisting comes wrapped in DeletedFinalStateUnknown.
func (s *state) remove(res *Resource, obj any) {
	if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = d.Obj
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byUID, m.GetUID())
	ref := Ref{Kind: res.Kind, Namespace: m.GetNamespace(), Name: m.GetName(), UID: m.GetUID()}
	s.tombstones = append(s.tombstones, Tombstone{Ref: ref, Deleted: s.now()})
	if len(s.tombstones) > maxTombstones {
		s.tombstones = append(s.tombstones[:0:0], s.tombstones[len(s.tombstones)-maxTombstones:]...)
	}
	s.changedLocked()
}

// changedLocked counts a change and wakes a waiting reader; a reader
// that is behind gets one wake-up for many changes, then reads them all
// in its next snapshot.
func (s *state) changedLocked() {
	s.gen++
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// get returns the object with uid.
func (s *state) get(uid types.UID) (entry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byUID[uid]
	return e, ok
}
