package kube

import (
	"encoding/json"
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/types"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// ErrNotFound is returned for an object the inventory does not hold (never
// seen, or deleted since the snapshot that named it).
var ErrNotFound = errors.New("not in the inventory")

// Object returns a watched object, decoded as the policy engine reads it,
// by its UID (a Workload's, or one of a pod's Chain). Workload policy is
// meant for the top of each chain: a Deployment's ReplicaSets and pods
// repeat its template.
func (w *Watcher) Object(uid types.UID) (*policy.Object, error) {
	e, ok := w.st.get(uid)
	if !ok {
		return nil, fmt.Errorf("object %s: %w", uid, ErrNotFound)
	}
	data, err := json.Marshal(e.obj)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", refOf(e), err)
	}
	apiVersion := e.res.Version
	if e.res.Group != "" {
		apiVersion = e.res.Group + "/" + e.res.Version
	}
	return policy.DecodeAs(apiVersion, e.res.Kind, data)
}
