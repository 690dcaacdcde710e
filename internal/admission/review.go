package admission

import (
	"encoding/json"
	"fmt"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// reviewAPIVersion and reviewKind are the only AdmissionReview type the
// webhook accepts: its configuration lists admissionReviewVersions [v1].
const (
	reviewAPIVersion = "admission.k8s.io/v1"
	reviewKind       = "AdmissionReview"
)

// badReview is an AdmissionReview the webhook cannot answer: the HTTP
// status is 400 and the message says which field is wrong.
type badReview struct{ msg string }

func (b badReview) Error() string { return "malformed AdmissionReview: " + b.msg }

// decodeReview reads an AdmissionReview request and checks the fields the
// webhook relies on, so that a broken review is refused (400) rather than
// answered with a guess.
func decodeReview(body []byte) (*admissionv1.AdmissionReview, error) {
	var ar admissionv1.AdmissionReview
	if err := policy.DecodeJSON(body, &ar); err != nil {
		return nil, badReview{err.Error()}
	}
	if ar.APIVersion != reviewAPIVersion || ar.Kind != reviewKind {
		return nil, badReview{fmt.Sprintf("apiVersion %q kind %q: want %s %s", ar.APIVersion, ar.Kind, reviewAPIVersion, reviewKind)}
	}
	if err := checkRequest(ar.Request); err != nil {
		return nil, err
	}
	return &ar, nil
}

func checkRequest(req *admissionv1.AdmissionRequest) error {
	switch {
	case req == nil:
		return badReview{"no request"}
	case req.UID == "":
		return badReview{"request.uid is empty"}
	case req.Kind.Kind == "":
		return badReview{"request.kind.kind is empty"}
	}
	switch req.Operation {
	case admissionv1.Create, admissionv1.Update:
		if len(req.Object.Raw) == 0 {
			return badReview{fmt.Sprintf("%s request without request.object", req.Operation)}
		}
	case admissionv1.Delete, admissionv1.Connect:
	default:
		return badReview{fmt.Sprintf("request.operation %q: want CREATE, UPDATE, DELETE or CONNECT", req.Operation)}
	}
	return nil
}

// encodeReview is the answer to a review: an AdmissionReview of the same
// type carrying the response (whose UID the decision copied).
func encodeReview(resp *admissionv1.AdmissionResponse) ([]byte, error) {
	out := admissionv1.AdmissionReview{Response: resp}
	out.APIVersion, out.Kind = reviewAPIVersion, reviewKind
	return json.Marshal(&out)
}
