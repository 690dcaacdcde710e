package admission

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/bulwarksec/bulwark/internal/imagehealth"
	"github.com/bulwarksec/bulwark/internal/policy"
	"github.com/bulwarksec/bulwark/internal/policy/builtin"
)

// BenchmarkWebhook is the webhook's hot path: one AdmissionReview of a
// realistic Deployment (three containers, probes, resources, security
// contexts) through the whole handler (middleware, decode, every built-in
// rule, response), as the API server sends it.
func BenchmarkWebhook(b *testing.B) {
	wh := benchWebhook(b)
	body := benchReview(b, "testdata/bench-deployment.yaml")
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		wh.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

func benchWebhook(b *testing.B) *Webhook {
	b.Helper()
	// The image-gating rules read verdicts on disk as a webhook without
	// a server does (through the cache imagehealth.New puts in front).
	images, err := imagehealth.New(&policy.ImageHealthConfig{VerdictDir: b.TempDir()}, "")
	if err != nil {
		b.Fatal(err)
	}
	e, err := policy.New(builtin.Rules(), builtin.EveryRuleConfig(), policy.Options{Images: images})
	if err != nil {
		b.Fatal(err)
	}
	return New(Options{Engine: e, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
}

// benchReview wraps the object of a YAML file in an AdmissionReview for
// CREATE.
func benchReview(b *testing.B, file string) []byte {
	b.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	obj, err := yaml.YAMLToJSON(data)
	if err != nil {
		b.Fatal(err)
	}
	var meta metav1.PartialObjectMetadata
	if err := json.Unmarshal(obj, &meta); err != nil {
		b.Fatal(err)
	}
	gv, _ := schema.ParseGroupVersion(meta.APIVersion)
	ar := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{UID: "bench", Operation: admissionv1.Create,
			Kind:      metav1.GroupVersionKind{Group: gv.Group, Version: gv.Version, Kind: meta.Kind},
			Namespace: meta.Namespace, Name: meta.Name, Object: runtime.RawExtension{Raw: obj}},
	}
	out, err := json.Marshal(ar)
	if err != nil {
		b.Fatal(err)
	}
	return out
}
