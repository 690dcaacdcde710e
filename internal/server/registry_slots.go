package server

import (
	"errors"
	"sync"
)

// errRegistryBusy says a job waits because its registry already holds as
// many of this replica's workers as it may.
var errRegistryBusy = errors.New("the registry's share of workers is busy")

// registrySlots keeps one registry (a slow or unanswering one) from
// holding every worker of a replica: each registry may use all workers
// but one.
type registrySlots struct {
	max int

	mu   sync.Mutex
	busy map[int64]int
}

func newRegistrySlots(workers int) *registrySlots {
	return &registrySlots{max: max(1, workers-1), busy: map[int64]int{}}
}

// take reserves a worker for registry id; release gives it back. ok is
// false when the registry's share is used up.
func (r *registrySlots) take(id int64) (release func(), ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.busy[id] >= r.max {
		return nil, false
	}
	r.busy[id]++
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.busy[id]--; r.busy[id] <= 0 {
			delete(r.busy, id)
		}
	}, true
}
