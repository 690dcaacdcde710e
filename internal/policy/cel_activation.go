package policy

import (
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/interpreter"
	sigsjson "sigs.k8s.io/json"
)

// activation resolves the vocabulary's fields for one evaluation of a
// custom rule on one object (and one container in a container rule). Values
// are computed when an expression reads them, mostly as views over the
// decoded object without copying, which cel-go reads natively.
type activation struct {
	fields map[string]*Field
	in     *Input
	// view is the object's document, nil when the rule reads none of it.
	view *celView
	// c is the container of a container rule, nil in an object rule.
	c   *Container
	req map[string]any
	// old is the decoded oldObject, or the error decoding it.
	old any
}

var _ interpreter.Activation = (*activation)(nil)

// ResolveName returns the value of a vocabulary field.
func (a *activation) ResolveName(name string) (any, bool) {
	f, ok := a.fields[name]
	if !ok || (f.PerContainer && a.c == nil) {
		return nil, false
	}
	return f.value(a), true
}

// Parent is nil: the vocabulary is the whole scope.
func (a *activation) Parent() interpreter.Activation { return nil }

func (a *activation) object() any     { return a.view.doc }
func (a *activation) apiVersion() any { return a.in.Object.APIVersion }
func (a *activation) kind() any       { return a.in.Object.Kind }
func (a *activation) namespace() any  { return a.in.Object.Namespace() }
func (a *activation) name() any       { return a.in.Object.Name() }
func (a *activation) labels() any     { return nonNil(a.in.Object.Meta.Labels) }
func (a *activation) annotations() any {
	return nonNil(a.in.Object.Meta.Annotations)
}
func (a *activation) params() any { return map[string]any(a.in.Params) }

func (a *activation) podSpec() any {
	if a.view.podSpec == nil {
		return types.NullValue
	}
	return a.view.podSpec
}

func (a *activation) podMetadata() any {
	if a.view.podMeta == nil {
		return types.NullValue
	}
	return a.view.podMeta
}

func (a *activation) podLabels() any {
	if a.in.Object.Pod == nil {
		return map[string]string{}
	}
	return nonNil(a.in.Object.Pod.Labels())
}

func (a *activation) request() any {
	r := a.in.Request
	if r == nil {
		return types.NullValue
	}
	if a.req == nil {
		groups := r.Groups
		if groups == nil {
			groups = []string{}
		}
		a.req = map[string]any{"operation": r.Operation, "userName": r.UserName, "groups": groups,
			"subResource": r.SubResource, "dryRun": r.DryRun}
	}
	return a.req
}

func (a *activation) oldObject() any {
	if a.in.Request == nil || len(a.in.Request.OldObject) == 0 {
		return types.NullValue
	}
	if a.old == nil {
		var doc map[string]any
		if err := sigsjson.UnmarshalCaseSensitivePreserveInts(a.in.Request.OldObject, &doc); err != nil {
			a.old = types.NewErr("read oldObject: %v", err)
		} else if doc == nil {
			a.old = types.NullValue
		} else {
			a.old = doc
		}
	}
	return a.old
}

func (a *activation) container() any     { return a.view.containers[a.c.Path] }
func (a *activation) containerType() any { return string(a.c.Type) }
func (a *activation) image() any         { return a.in.Object.cel.image(a.c.Image) }

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
