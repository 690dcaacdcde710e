package admission

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
)

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestBadInput: what is not a well-formed review over JSON is refused
// with a 4xx and a message saying why, never answered with an allow.
func TestBadInput(t *testing.T) {
	valid := reviewBody(t, request(admissionv1.Create, "Pod", cleanPod))
	noUID := request(admissionv1.Create, "Pod", cleanPod)
	noUID.UID = ""
	noObject := request(admissionv1.Create, "Pod", "")
	badOp := request("PATCH", "Pod", cleanPod)
	for _, tc := range []struct {
		name, contentType string
		body              []byte
		code              int
		message           string
	}{
		{"not JSON", "application/json", []byte("{not json"), 400, "malformed AdmissionReview: jsontext: invalid character"},
		{"empty body", "application/json", nil, 400, "malformed AdmissionReview: jsontext: unexpected EOF"},
		{"trailing data", "application/json", append(valid, "{}"...), 400, "malformed AdmissionReview"},
		{"v1beta1 review", "application/json", bytes.Replace(valid, []byte("admission.k8s.io/v1"), []byte("admission.k8s.io/v1beta1"), 1), 400,
			`apiVersion "admission.k8s.io/v1beta1" kind "AdmissionReview": want admission.k8s.io/v1 AdmissionReview`},
		{"no request", "application/json", []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`), 400, "no request"},
		{"no uid", "application/json", reviewBody(t, noUID), 400, "request.uid is empty"},
		{"create without object", "application/json", reviewBody(t, noObject), 400, "CREATE request without request.object"},
		{"unknown operation", "application/json", reviewBody(t, badOp), 400, `request.operation "PATCH"`},
		{"wrong content type", "text/plain", valid, 415, "Content-Type must be application/json"},
		{"no content type", "", valid, 415, "Content-Type must be application/json"},
		{"JSON with charset is fine", "application/json; charset=utf-8", valid, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := post(New(Options{Engine: testEngine(t, ""), Logger: discard()}), tc.body, tc.contentType)
			if w.Code != tc.code || !strings.Contains(w.Body.String(), tc.message) {
				t.Errorf("got %d %q, want %d with %q", w.Code, w.Body, tc.code, tc.message)
			}
		})
	}
}

// TestOversize: a body over the bound is refused with 413, whether its
// Content-Length says so up front or it is streamed without one.
func TestOversize(t *testing.T) {
	wh := New(Options{Engine: testEngine(t, ""), Logger: discard(), MaxBody: 1024})
	big := reviewBody(t, request(admissionv1.Create, "ConfigMap",
		`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"x":"`+strings.Repeat("a", 2000)+`"}}`))
	if w := post(wh, big, "application/json"); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("with Content-Length: %d %s", w.Code, w.Body)
	}
	r := httptest.NewRequest(http.MethodPost, "/validate", io.MultiReader(bytes.NewReader(big))) // no length known
	r.ContentLength = -1
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	wh.ServeHTTP(w, r)
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "larger than 1024 bytes") {
		t.Errorf("streamed: %d %s", w.Code, w.Body)
	}
	if w := post(wh, reviewBody(t, request(admissionv1.Create, "Pod", cleanPod)), "application/json"); w.Code != http.StatusOK {
		t.Errorf("a review under the bound: %d %s", w.Code, w.Body)
	}
}

func TestRoutes(t *testing.T) {
	wh := New(Options{Engine: testEngine(t, ""), Logger: discard()})
	for _, tc := range []struct {
		method, path string
		code         int
	}{
		{"GET", "/validate", 405}, {"GET", "/healthz", 200}, {"GET", "/readyz", 200}, {"GET", "/metrics", 200}, {"POST", "/mutate", 404},
	} {
		w := httptest.NewRecorder()
		wh.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, nil))
		if w.Code != tc.code {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, w.Code, tc.code)
		}
	}
	wh.SetReady(false)
	w := httptest.NewRecorder()
	wh.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz while shutting down: %d", w.Code)
	}
}

// TestRecovery: a panic outside the engine (which recovers its rules'
// own) is a 500, counted, and the next request is served.
func TestRecovery(t *testing.T) {
	m := NewMetrics()
	calls := 0
	h := withRequestMetrics(m, withRecovery(discard(), m.panics.Inc, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls++; calls == 1 {
			panic("handler bug")
		}
		w.Write([]byte("ok"))
	})))
	for i, want := range []int{500, 200} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("POST", "/validate", nil))
		if w.Code != want {
			t.Errorf("request %d: %d, want %d", i, w.Code, want)
		}
	}
	if got := counter(t, m, "bulwark_admission_panics_total", nil); got != 1 {
		t.Errorf("panics counted %v, want 1", got)
	}
	if got := counter(t, m, "bulwark_admission_reviews_total", map[string]string{"result": "error", "kind": ""}); got != 1 {
		t.Errorf("error reviews %v, want 1", got)
	}
}
