package policy

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/distribution/reference"
	sigsjson "sigs.k8s.io/json"
)

// celView is an object as custom rules read it: its JSON as a document
// (integers as int64, as Kubernetes' own CEL sees them) and the pod parts
// found in it. It is built once per object, the first time a custom rule
// needs the document, and then read by every custom rule, so that a review
// pays for the conversion once whatever the number of rules.
type celView struct {
	once sync.Once
	err  error
	doc  map[string]any
	// podSpec and podMeta are nil for an object without a pod.
	podSpec, podMeta map[string]any
	// containers holds each container's document by path
	// ("spec.containers[0]").
	containers map[string]map[string]any
	// images caches parsed image references (string to map[string]string)
	// apart from the document, so that a rule reading only image never
	// pays for decoding the object.
	images sync.Map
}

// view returns the object's CEL view, building it on first use.
func (o *Object) view() (*celView, error) {
	v := &o.cel
	v.once.Do(func() { v.err = v.build(o) })
	return v, v.err
}

func (v *celView) build(o *Object) error {
	raw := o.Raw
	if len(raw) == 0 && o.Typed != nil {
		// An object built in Go rather than decoded (a test, an API list):
		// its JSON is the typed object's.
		var err error
		if raw, err = json.Marshal(o.Typed); err != nil {
			return fmt.Errorf("encode %s for CEL: %w", o.Kind, err)
		}
	}
	if err := sigsjson.UnmarshalCaseSensitivePreserveInts(raw, &v.doc); err != nil {
		return fmt.Errorf("read %s for CEL: %w", o.Kind, err)
	}
	if v.doc == nil {
		return fmt.Errorf("read %s for CEL: not a JSON object", o.Kind)
	}
	if o.Pod != nil {
		v.podSpec = mapAt(v.doc, o.Pod.SpecPath)
		v.podMeta = mapAt(v.doc, o.Pod.MetaPath)
		v.containers = containerDocs(o.Pod, v.podSpec)
	}
	return nil
}

// mapAt walks a dotted path of object fields; a missing or non-object
// field gives an empty map, as the typed decode gives an empty struct.
func mapAt(doc map[string]any, path string) map[string]any {
	cur := doc
	for key := range strings.SplitSeq(path, ".") {
		next, _ := cur[key].(map[string]any)
		if next == nil {
			return map[string]any{}
		}
		cur = next
	}
	return cur
}

func containerDocs(p *Pod, spec map[string]any) map[string]map[string]any {
	all := p.AllContainers()
	out := make(map[string]map[string]any, len(all))
	for _, c := range all {
		list, _ := spec[string(c.Type)].([]any)
		var doc map[string]any
		if c.Index < len(list) {
			doc, _ = list[c.Index].(map[string]any)
		}
		if doc == nil {
			doc = map[string]any{}
		}
		out[c.Path] = doc
	}
	return out
}

// image returns an image reference parsed into the keys the vocabulary
// documents for image, parsing each reference once per object.
func (v *celView) image(ref string) map[string]string {
	if m, ok := v.images.Load(ref); ok {
		return m.(map[string]string)
	}
	m := parseImage(ref)
	v.images.Store(ref, m)
	return m
}

// parseImage splits an image reference as the container runtime reads it:
// a reference without a registry is on docker.io, one of a single path
// component is in library/. Tag and digest are empty when the reference
// has none (the runtime then pulls latest); every key is empty but
// reference when the reference does not parse.
func parseImage(ref string) map[string]string {
	out := map[string]string{"reference": ref, "name": "", "registry": "", "repository": "", "tag": "", "digest": ""}
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return out
	}
	out["name"] = named.Name()
	out["registry"] = reference.Domain(named)
	out["repository"] = reference.Path(named)
	if t, ok := named.(reference.Tagged); ok {
		out["tag"] = t.Tag()
	}
	if d, ok := named.(reference.Digested); ok {
		out["digest"] = d.Digest().String()
	}
	return out
}
