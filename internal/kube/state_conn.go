package kube

// setError records a failed list or watch of resource; client-go retries
// it with backoff.
func (s *state) setError(resource string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errs[resource] = ResourceError{Resource: resource, Error: err.Error(), At: s.now()}
	s.changedLocked()
}

// clearError forgets resource's failure once a list or watch of it
// succeeded again.
func (s *state) clearError(resource string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.errs[resource]; ok {
		delete(s.errs, resource)
		s.changedLocked()
	}
}

// setSynced marks the first lists complete.
func (s *state) setSynced() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.synced = true
	s.changedLocked()
}

// setVersion records the API server's version.
func (s *state) setVersion(v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.version != v {
		s.version = v
		s.changedLocked()
	}
}

// clusterLocked is the cluster's entry; nodes is its node count.
func (s *state) clusterLocked(nodes int) Cluster {
	c := Cluster{ServerVersion: s.version, NodeCount: nodes, State: StateConnected}
	for _, e := range s.errs {
		c.Errors = append(c.Errors, e)
		if e.At.After(c.LastErrorAt) {
			c.LastError, c.LastErrorAt = e.Error, e.At
		}
	}
	sortBy(c.Errors, func(e ResourceError) string { return e.Resource })
	switch {
	case len(s.errs) == len(resources):
		c.State = StateDisconnected
	case len(s.errs) > 0:
		c.State = StateDegraded
	case !s.synced:
		c.State = StateConnecting
	}
	return c
}
