package admission

import (
	"context"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// ReviewFunc decides one admission request. The Validator is one; the
// review-side middleware (decision metrics and log) wrap one in another.
type ReviewFunc func(ctx context.Context, req *admissionv1.AdmissionRequest) *Decision

// Validator decides admission requests with a policy engine. It is safe
// for concurrent use and keeps no state between requests.
type Validator struct {
	engine *policy.Engine
	kinds  map[string]bool
}

// NewValidator makes a Validator for the engine's enabled rules.
func NewValidator(e *policy.Engine) *Validator {
	v := &Validator{engine: e, kinds: map[string]bool{}}
	for _, k := range e.Kinds() {
		v.kinds[k] = true
	}
	return v
}

// Review decides one request. A request is evaluated unless it cannot
// admit anything new (DELETE, CONNECT, an object already being deleted),
// is on a subresource other than pods/ephemeralcontainers, or is of a kind
// no rule reads; those are allowed and say why in Skipped. Dry-run
// requests are evaluated like any other, so that `kubectl apply
// --dry-run=server` shows what a real apply would meet.
func (v *Validator) Review(ctx context.Context, req *admissionv1.AdmissionRequest) *Decision {
	d := &Decision{UID: req.UID, Allowed: true}
	if d.Skipped = v.skip(req); d.Skipped != "" {
		return d
	}
	obj, err := policy.DecodeAs(schema.GroupVersion{Group: req.Kind.Group, Version: req.Kind.Version}.String(), req.Kind.Kind, req.Object.Raw)
	if err != nil {
		d.Err, d.ErrEffect = err, v.engine.OnError()
		d.Allowed = d.allowed()
		return d
	}
	d.Object = obj
	if req.Operation == admissionv1.Update && obj.Meta.DeletionTimestamp != nil {
		// Removing a finalizer must work even for an object that breaks
		// today's rules, or its deletion never ends.
		d.Skipped = SkipDeleting
		return d
	}
	results := v.engine.Evaluate(ctx, obj, policyRequest(req))
	if len(results) == 0 {
		// Named like a kind rules read, but of another group (Knative's
		// serving.knative.dev Service): no rule is for it.
		d.Skipped, d.Object = SkipKind, nil
		return d
	}
	d.Verdicts = verdicts(results, v.engine.OnError())
	d.Allowed = d.allowed()
	return d
}

// skip says why the request is not evaluated, or "".
func (v *Validator) skip(req *admissionv1.AdmissionRequest) string {
	switch {
	case req.Operation == admissionv1.Delete:
		return SkipDelete
	case req.Operation == admissionv1.Connect:
		return SkipConnect
	case req.SubResource != "" && !(req.Kind.Kind == "Pod" && req.SubResource == "ephemeralcontainers"):
		return SkipSubresource
	case !v.Reads(req.Kind.Group, req.Kind.Kind):
		return SkipKind
	}
	return ""
}

// Reads reports whether some enabled rule may read objects of the kind:
// rules name the kinds Bulwark decodes by their bare name and others as
// "group/Kind" (Object.KindKey), and a rule whose kind is a parameter
// reads that name in any group.
func (v *Validator) Reads(group, kind string) bool {
	return v.kinds[kind] || v.kinds[group+"/"+kind]
}

func policyRequest(req *admissionv1.AdmissionRequest) *policy.Request {
	return &policy.Request{
		Operation:   string(req.Operation),
		UserName:    req.UserInfo.Username,
		Groups:      req.UserInfo.Groups,
		SubResource: req.SubResource,
		DryRun:      req.DryRun != nil && *req.DryRun,
		OldObject:   req.OldObject.Raw,
	}
}
