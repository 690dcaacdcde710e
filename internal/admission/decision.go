package admission

import (
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// Decision is the webhook's verdict on one admission request.
type Decision struct {
	// UID is the request's UID, which the response must carry.
	UID types.UID
	// Allowed is false when a deny rule was violated, or a rule (or the
	// object itself) could not be evaluated and the engine fails closed.
	Allowed bool
	// Skipped says why the request was allowed without evaluation
	// (SkipDelete, SkipKind, ...); empty when the rules ran.
	Skipped string
	// Object is the decoded object; nil when skipped or not decodable.
	Object *policy.Object
	// Verdicts are the rules that did not pass, with what each did to the
	// request, in the engine's order.
	Verdicts []Verdict
	// Err is why the object could not be decoded; its effect is ErrEffect
	// (the engine's OnError: deny, or warn when errors are allowed).
	Err       error
	ErrEffect policy.Effect
}

// Why a request is allowed unevaluated; also the values of the
// unevaluated metric's reason label.
const (
	SkipDelete      = "delete"      // DELETE: nothing new is admitted
	SkipConnect     = "connect"     // CONNECT (exec, attach): no object
	SkipKind        = "kind"        // no enabled rule reads the kind
	SkipSubresource = "subresource" // status and other subresources
	SkipDeleting    = "deleting"    // UPDATE of an object being deleted
)

// Verdict is one rule's outcome on the request.
type Verdict struct {
	policy.Result
	// Applied is what the rule did to the request: deny, warn or audit. A
	// rule in status error is deny or warn, as the engine's OnError says.
	Applied policy.Effect
}

// verdicts keeps the results that did not pass and says what each does.
func verdicts(results []policy.Result, onError policy.Effect) []Verdict {
	var out []Verdict
	for _, r := range results {
		switch r.Status {
		case finding.StatusFail, finding.StatusWarn:
			out = append(out, Verdict{Result: r, Applied: r.Effect})
		case finding.StatusError:
			out = append(out, Verdict{Result: r, Applied: onError})
		}
	}
	return out
}

// allowed is true when nothing denies.
func (d *Decision) allowed() bool {
	if d.Err != nil && d.ErrEffect == policy.EffectDeny {
		return false
	}
	for _, v := range d.Verdicts {
		if v.Applied == policy.EffectDeny {
			return false
		}
	}
	return true
}

// Rules returns the IDs of the rules whose verdict applied effect e.
func (d *Decision) Rules(e policy.Effect) []string {
	var ids []string
	for _, v := range d.Verdicts {
		if v.Applied == e {
			ids = append(ids, v.Rule.ID)
		}
	}
	return ids
}

// Response is the AdmissionResponse for the decision: the deny message,
// the warnings kubectl prints, and the audit annotation naming the
// audit-effect rules (the API server records it in its audit log as
// "<webhook name>/audit-violations").
func (d *Decision) Response() *admissionv1.AdmissionResponse {
	resp := &admissionv1.AdmissionResponse{UID: d.UID, Allowed: d.Allowed, Warnings: d.warnings()}
	if !d.Allowed {
		resp.Result = denyStatus(d.denyMessage())
	}
	if ids := d.Rules(policy.EffectAudit); len(ids) > 0 {
		resp.AuditAnnotations = map[string]string{"audit-violations": joinIDs(ids)}
	}
	return resp
}
