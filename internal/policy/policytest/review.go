package policytest

import (
	"encoding/json"
	"fmt"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// libraryCase makes the case of one library document. Gatekeeper's
// libraries write some examples as an AdmissionReview (to give the
// operation, e.g. an UPDATE); such a document is evaluated as its
// request's object with the request's operation, as the webhook would.
func libraryCase(lc LibraryCase, doc []byte) (Case, error) {
	c := Case{Name: lc.File, Params: lc.Params, Scope: lc.Scope, Object: doc}
	var review struct {
		Kind    string `json:"kind"`
		Request *struct {
			Operation   string          `json:"operation"`
			SubResource string          `json:"subResource"`
			DryRun      bool            `json:"dryRun"`
			Object      json.RawMessage `json:"object"`
		} `json:"request"`
	}
	if err := json.Unmarshal(doc, &review); err != nil {
		return c, fmt.Errorf("decode: %w", err)
	}
	if review.Kind != "AdmissionReview" {
		return c, nil
	}
	if review.Request == nil || len(review.Request.Object) == 0 {
		return c, fmt.Errorf("AdmissionReview without request.object")
	}
	r := review.Request
	c.Object = r.Object
	c.Request = &policy.Request{Operation: r.Operation, SubResource: r.SubResource, DryRun: r.DryRun}
	return c, nil
}
