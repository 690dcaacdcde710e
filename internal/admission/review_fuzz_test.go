package admission

import (
	"context"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
)

// FuzzDecodeReview: any body either is refused as malformed or decodes to
// a review whose decision answers its UID and is an allow only when no
// deny rule was violated; nothing panics.
func FuzzDecodeReview(f *testing.F) {
	for _, obj := range []string{privilegedPod, latestPod, brokenPod, privilegedDeployment, configMap, undecodablePod, deletingPod} {
		f.Add(reviewBody(f, request(admissionv1.Create, "Pod", obj)))
	}
	f.Add(reviewBody(f, request(admissionv1.Delete, "Pod", "")))
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"kind":"Pod"},"operation":"CREATE","object":null}}`))
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"kind":"Pod"},"operation":"CREATE","object":[1]}}`))
	v := NewValidator(testEngine(f, ""))
	f.Fuzz(func(t *testing.T, body []byte) {
		ar, err := decodeReview(body)
		if err != nil {
			if _, ok := err.(badReview); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		d := v.Review(context.Background(), ar.Request)
		resp := d.Response()
		if resp.UID != ar.Request.UID {
			t.Fatalf("answer UID %q for %q", resp.UID, ar.Request.UID)
		}
		if resp.Allowed && len(d.Rules("deny")) > 0 {
			t.Fatalf("allowed with deny verdicts %v", d.Rules("deny"))
		}
		if !resp.Allowed && (resp.Result == nil || resp.Result.Message == "") {
			t.Fatal("a denial without a message")
		}
		if _, err := encodeReview(resp); err != nil {
			t.Fatal(err)
		}
	})
}
