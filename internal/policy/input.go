package policy

import (
	"context"
	"encoding/json"
)

// Input is what a rule's Check reads: the object, the rule's parameters and
// the context of the request.
type Input struct {
	Object *Object
	Params Params
	// PSS is the Pod Security Standards version to apply.
	PSS Version
	// Request is the admission request, nil outside admission (CI).
	Request *Request
	// Images answers the image-gating rules; never nil for a rule with
	// NeedsImages (New sees to it).
	Images ImageHealth
	scope  *scope
}

// Containers returns the pod's containers that the rule's scope covers
// (excluded names and images left out); nil for an object without a pod.
func (in *Input) Containers() []Container {
	if in.Object.Pod == nil {
		return nil
	}
	all := in.Object.Pod.AllContainers()
	if in.scope == nil || (len(in.scope.ExcludedContainers) == 0 && len(in.scope.ExcludedImages) == 0) {
		return all
	}
	out := make([]Container, 0, len(all))
	for _, c := range all {
		if in.scope.coversContainer(c) {
			out = append(out, c)
		}
	}
	return out
}

// Request is the part of an admission request rules may read.
type Request struct {
	// Operation is CREATE, UPDATE, DELETE or CONNECT.
	Operation string
	UserName  string
	Groups    []string
	// SubResource is set for requests on a subresource ("status").
	SubResource string
	DryRun      bool
	// OldObject is the object before an UPDATE, as the API server sent it
	// (JSON), for the few rules that judge a change; nil otherwise.
	OldObject json.RawMessage
}

// ImageHealth answers whether an image is healthy (its last scan met the
// policy) for the image-gating rules. image is the reference as the pod
// spec writes it ("nginx", "host:5000/shop/api:1.4", "...@sha256:...").
// Implementations bound their own time and return an error rather than
// hang; an image they know nothing of is not scanned, not an error.
type ImageHealth interface {
	Health(ctx context.Context, image string) (ImageVerdict, error)
}

// ImageVerdict is the health of one image.
type ImageVerdict struct {
	// Scanned is false when the image was never scanned.
	Scanned bool
	Healthy bool
	// Digest is the image digest the verdict is for, when known.
	Digest string
	// Summary says why ("3 critical, 1 high vulnerabilities").
	Summary string
}
