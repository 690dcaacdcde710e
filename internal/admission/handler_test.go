package admission

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Objects the table reviews.
const (
	privilegedPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"team","labels":{"owner":"a"}},
		"spec":{"containers":[{"name":"app","image":"nginx:1.27","securityContext":{"privileged":true}}]}}`
	latestPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"team","labels":{"owner":"a"}},
		"spec":{"containers":[{"name":"app","image":"nginx:1.27"},{"name":"side","image":"busybox:latest"}]}}`
	unownedPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"team"},
		"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}`
	cleanPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"team","labels":{"owner":"a"}},
		"spec":{"containers":[{"name":"app","image":"nginx:1.27","env":[{"name":"TOKEN","value":"s3cr3t-value"}]}]}}`
	brokenPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"team","labels":{"owner":"a"},"annotations":{"test/break":"1"}},
		"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}`
	panicPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"team","labels":{"owner":"a"},"annotations":{"test/panic":"1"}},
		"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}`
	privilegedDeployment = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"team"},
		"spec":{"template":{"metadata":{"labels":{"owner":"a"}},"spec":{"containers":[
		{"name":"app","image":"nginx:1.27"},{"name":"agent","image":"agent:2","securityContext":{"privileged":true}}]}}}}`
	deletingPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"team","deletionTimestamp":"2026-01-01T00:00:00Z","finalizers":["x"]},
		"spec":{"containers":[{"name":"app","image":"nginx:1.27","securityContext":{"privileged":true}}]}}`
	configMap      = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"team"},"data":{"password":"hunter2"}}`
	undecodablePod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"team"},"spec":{"containers":"app"}}`
)

// request is one AdmissionRequest of the table, as the API server sends it.
func request(op admissionv1.Operation, kind, object string) *admissionv1.AdmissionRequest {
	group, version, _ := strings.Cut(map[string]string{"Pod": "/v1", "ConfigMap": "/v1", "Deployment": "apps/v1"}[kind], "/")
	req := &admissionv1.AdmissionRequest{UID: "0f5c5f3e-uid", Kind: metav1.GroupVersionKind{Group: group, Version: version, Kind: kind},
		Namespace: "team", Name: "p", Operation: op, UserInfo: authenticationv1.UserInfo{Username: "alice", Groups: []string{"dev"}}}
	if object != "" {
		req.Object = runtime.RawExtension{Raw: []byte(object)}
	}
	return req
}

func reviewBody(t testing.TB, req *admissionv1.AdmissionRequest) []byte {
	t.Helper()
	ar := admissionv1.AdmissionReview{Request: req}
	ar.APIVersion, ar.Kind = reviewAPIVersion, reviewKind
	b, err := json.Marshal(ar)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func post(wh http.Handler, body []byte, contentType string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/validate?timeout=3s", bytes.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	w := httptest.NewRecorder()
	wh.ServeHTTP(w, r)
	return w
}

// answer decodes a 200 answer and checks that it is an AdmissionReview v1
// answering the request's UID.
func answer(t *testing.T, w *httptest.ResponseRecorder) *admissionv1.AdmissionResponse {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var ar admissionv1.AdmissionReview
	if err := json.Unmarshal(w.Body.Bytes(), &ar); err != nil {
		t.Fatal(err)
	}
	if ar.APIVersion != reviewAPIVersion || ar.Kind != reviewKind || ar.Response == nil || ar.Response.UID != "0f5c5f3e-uid" {
		t.Fatalf("not an answer to the review: %s", w.Body)
	}
	return ar.Response
}

func dryRun(r *admissionv1.AdmissionRequest) *admissionv1.AdmissionRequest {
	yes := true
	r.DryRun = &yes
	return r
}

func subresource(r *admissionv1.AdmissionRequest, s string) *admissionv1.AdmissionRequest {
	r.SubResource = s
	return r
}

func TestReviews(t *testing.T) {
	for _, tc := range []struct {
		name    string
		config  string
		req     *admissionv1.AdmissionRequest
		allowed bool
		// message parts of a denial, warnings in order, audit annotation
		message  []string
		warnings []string
		audit    string
	}{
		{name: "deny lists rule, title, path, message and remediation", req: request(admissionv1.Create, "Pod", privilegedPod),
			message: []string{"Bulwark policy denied this Pod (1 rule):", "[test.deny] No privileged containers",
				"spec.containers[0].securityContext.privileged: container app is privileged", "remediation: Drop securityContext.privileged."}},
		{name: "deny in a pod template names the template's path", req: request(admissionv1.Update, "Deployment", privilegedDeployment),
			message: []string{"this Deployment", "spec.template.spec.containers[1].securityContext.privileged: container agent is privileged"}},
		{name: "warn admits with one warning per violation", req: request(admissionv1.Create, "Pod", latestPod), allowed: true,
			warnings: []string{"[test.warn] spec.containers[1].image: image busybox:latest has no fixed tag"}},
		{name: "audit admits silently with an audit annotation", req: request(admissionv1.Create, "Pod", unownedPod), allowed: true,
			audit: "test.audit"},
		{name: "effects are configuration", config: "rules: {test.deny: {effect: warn}}", req: request(admissionv1.Create, "Pod", privilegedPod),
			allowed: true, warnings: []string{"[test.deny] spec.containers[0].securityContext.privileged: container app is privileged"}},
		{name: "a clean pod is admitted", req: request(admissionv1.Create, "Pod", cleanPod), allowed: true},
		{name: "rule error with onError deny denies", req: request(admissionv1.Create, "Pod", brokenPod),
			message: []string{"[test.broken] Sometimes broken", "could not be evaluated: lookup failed"}},
		{name: "rule error with onError allow warns", config: "onError: allow", req: request(admissionv1.Create, "Pod", brokenPod), allowed: true,
			warnings: []string{"[test.broken] could not be evaluated: lookup failed"}},
		{name: "rule panic is a rule error", req: request(admissionv1.Create, "Pod", panicPod),
			message: []string{"[test.broken]", "could not be evaluated: rule test.broken panicked: rule bug"}},
		{name: "undecodable object follows onError deny", req: request(admissionv1.Create, "Pod", undecodablePod),
			message: []string{"Bulwark policy could not evaluate this object, and denies what it cannot evaluate: decode Pod:"}},
		{name: "undecodable object with onError allow warns", config: "onError: allow", req: request(admissionv1.Create, "Pod", undecodablePod),
			allowed: true, warnings: []string{"Bulwark policy could not evaluate this object: decode Pod:"}},
		{name: "dry run is evaluated", req: dryRun(request(admissionv1.Create, "Pod", privilegedPod)), message: []string{"[test.deny]"}},
		{name: "kind no rule reads is allowed", req: request(admissionv1.Create, "ConfigMap", configMap), allowed: true},
		{name: "DELETE is allowed", req: request(admissionv1.Delete, "Pod", ""), allowed: true},
		{name: "update of an object being deleted is allowed", req: request(admissionv1.Update, "Pod", deletingPod), allowed: true},
		{name: "status subresource is allowed", req: subresource(request(admissionv1.Update, "Pod", privilegedPod), "status"), allowed: true},
		{name: "ephemeral containers are evaluated", req: subresource(request(admissionv1.Update, "Pod", privilegedPod), "ephemeralcontainers"),
			message: []string{"[test.deny]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wh := New(Options{Engine: testEngine(t, tc.config), Logger: discard()})
			resp := answer(t, post(wh, reviewBody(t, tc.req), "application/json"))
			if resp.Allowed != tc.allowed {
				t.Fatalf("allowed %v, want %v: %+v", resp.Allowed, tc.allowed, resp.Result)
			}
			checkDenial(t, resp, tc.allowed, tc.message)
			checkWarnings(t, resp.Warnings, tc.warnings)
			if got := resp.AuditAnnotations["audit-violations"]; got != tc.audit {
				t.Errorf("audit annotation %q, want %q", got, tc.audit)
			}
		})
	}
}

func checkDenial(t *testing.T, resp *admissionv1.AdmissionResponse, allowed bool, parts []string) {
	t.Helper()
	if allowed {
		if resp.Result != nil {
			t.Errorf("an admitted request carries a status: %+v", resp.Result)
		}
		return
	}
	if resp.Result == nil || resp.Result.Code != http.StatusForbidden || resp.Result.Reason != metav1.StatusReasonForbidden {
		t.Fatalf("a denial answers 403 Forbidden, got %+v", resp.Result)
	}
	for _, p := range parts {
		if !strings.Contains(resp.Result.Message, p) {
			t.Errorf("message does not contain %q:\n%s", p, resp.Result.Message)
		}
	}
}

// checkWarnings wants each warning to start with the one expected.
func checkWarnings(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("warnings %q, want %d like %q", got, len(want), want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("warning %d is %q, want %q", i, got[i], want[i])
		}
	}
}

// TestBuiltinRules: the engine `admission serve` runs, with Pod Security
// baseline enforced, denies a privileged pod with both built-in rules
// that forbid it and admits a pod that follows the best practices.
func TestBuiltinRules(t *testing.T) {
	wh := New(Options{Engine: builtinEngine(t), Logger: discard()})
	resp := answer(t, post(wh, reviewBody(t, request(admissionv1.Create, "Pod", privilegedPod)), "application/json"))
	checkDenial(t, resp, false, []string{"[pss.privileged]", "[k8s.noPrivilege]", "spec.containers[0].securityContext.privileged"})
	resp = answer(t, post(wh, reviewBody(t, request(admissionv1.Create, "Pod", compliantPod)), "application/json"))
	if !resp.Allowed {
		t.Errorf("compliant pod denied: %s", resp.Result.Message)
	}
}

// compliantPod meets Pod Security restricted and the built-in rules'
// defaults: pinned image, limits and requests, probes, read-only root.
const compliantPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"team"},
	"spec":{"automountServiceAccountToken":false,
	"securityContext":{"runAsNonRoot":true,"runAsUser":10001,"seccompProfile":{"type":"RuntimeDefault"}},
	"containers":[{"name":"web","image":"registry.example.com/web:1.4.2","imagePullPolicy":"IfNotPresent",
	"resources":{"requests":{"cpu":"100m","memory":"64Mi"},"limits":{"cpu":"100m","memory":"64Mi"}},
	"livenessProbe":{"exec":{"command":["/bin/true"]}},"readinessProbe":{"exec":{"command":["/bin/true"]}},
	"securityContext":{"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"capabilities":{"drop":["ALL"]}}}]}}`

// TestOtherGroupSameName: a custom resource named like a kind rules read
// (Knative's Service) meets none of those rules and is counted as a kind
// no rule reads.
func TestOtherGroupSameName(t *testing.T) {
	v := NewValidator(builtinEngine(t))
	req := request(admissionv1.Create, "Pod", `{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"s","namespace":"team"},
		"spec":{"template":{"spec":{"containers":[{"image":"x","securityContext":{"privileged":true}}]}}}}`)
	req.Kind.Group, req.Kind.Version, req.Kind.Kind = "serving.knative.dev", "v1", "Service"
	if d := v.Review(context.Background(), req); !d.Allowed || d.Skipped != SkipKind {
		t.Errorf("Knative Service: allowed %v, skipped %q", d.Allowed, d.Skipped)
	}
	if !v.Reads("", "Service") {
		t.Error("the built-in rules read core Services")
	}
}

// TestPolicyRequest: rules see who asks, how, and the object before an
// update (for rules that judge a change, such as node edits).
func TestPolicyRequest(t *testing.T) {
	req := dryRun(subresource(request(admissionv1.Update, "Pod", cleanPod), "ephemeralcontainers"))
	req.OldObject = runtime.RawExtension{Raw: []byte(unownedPod)}
	got := policyRequest(req)
	if got.Operation != "UPDATE" || got.UserName != "alice" || len(got.Groups) != 1 || got.SubResource != "ephemeralcontainers" ||
		!got.DryRun || string(got.OldObject) != unownedPod {
		t.Errorf("%+v", got)
	}
}
