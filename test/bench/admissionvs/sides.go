package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bulwarksec/bulwark/internal/admission"
	"github.com/bulwarksec/bulwark/internal/imagehealth"
	"github.com/bulwarksec/bulwark/internal/policy"
	"github.com/bulwarksec/bulwark/internal/policy/builtin"
	"github.com/open-policy-agent/opa/v1/version"
)

var benchUser = authenticationv1.UserInfo{Username: "system:serviceaccount:kube-system:replicaset-controller",
	Groups: []string{"system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"}}

// side is one webhook under test and the review it answers.
type side struct {
	name    string
	handler http.Handler
	body    []byte
}

// newBulwark is the webhook as `bulwark admission serve` builds it, with
// every built-in rule on (image gating reading verdicts on disk, as a
// webhook without a server does) and its JSON decision log discarded.
func newBulwark() (http.Handler, error) {
	dir, err := os.MkdirTemp("", "admissionvs-")
	if err != nil {
		return nil, err
	}
	images, err := imagehealth.New(&policy.ImageHealthConfig{VerdictDir: dir}, "")
	if err != nil {
		return nil, err
	}
	e, err := policy.New(builtin.Rules(), builtin.EveryRuleConfig(), policy.Options{Images: images})
	if err != nil {
		return nil, err
	}
	return admission.New(admission.Options{Engine: e, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))}), nil
}

// handler serves the Gatekeeper templates as a validating webhook: deny
// with the violations' messages, else allow.
func (gk *gatekeeper) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 7<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		uid, msgs, err := gk.review(r.Context(), body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		resp := &admissionv1.AdmissionResponse{UID: uid, Allowed: len(msgs) == 0}
		if len(msgs) > 0 {
			resp.Result = &metav1.Status{Code: http.StatusForbidden, Message: strings.Join(msgs, "; ")}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(admissionv1.AdmissionReview{
			TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"}, Response: resp})
	})
}

func opaVersion() string { return version.Version }

// checkVerdicts makes sure both sides do the work they are credited with:
// each denies the privileged pod naming its privileged check, OPA allows
// the compliant pod, and Bulwark judges the pod and the Deployment alike.
func checkVerdicts(ctx context.Context, bw http.Handler, gk *gatekeeper, rv reviews) error {
	for _, c := range []struct {
		name    string
		h       http.Handler
		body    []byte
		allowed bool
		names   string
	}{
		{"OPA, privileged pod", gk.handler(), rv.privileged, false, "Privileged container is not allowed: proxy"},
		{"OPA, pod", gk.handler(), rv.pod, true, ""},
		{"Bulwark, privileged pod", bw, rv.privileged, false, "pss.privileged"},
	} {
		resp, err := answer(c.h, c.body)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		msg := ""
		if resp.Result != nil {
			msg = resp.Result.Message
		}
		if resp.Allowed != c.allowed || !strings.Contains(msg, c.names) {
			return fmt.Errorf("%s: allowed %v (%q), want allowed %v naming %q", c.name, resp.Allowed, msg, c.allowed, c.names)
		}
	}
	pod, err := answer(bw, rv.pod)
	if err != nil {
		return err
	}
	dep, err := answer(bw, rv.deployment)
	if err != nil {
		return err
	}
	if pod.Allowed != dep.Allowed {
		return fmt.Errorf("bulwark: pod allowed %v, its Deployment %v", pod.Allowed, dep.Allowed)
	}
	_ = ctx
	return nil
}

func answer(h http.Handler, body []byte) (*admissionv1.AdmissionResponse, error) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("status %d: %s", rec.Code, rec.Body)
	}
	var ar admissionv1.AdmissionReview
	if err := json.Unmarshal(rec.Body.Bytes(), &ar); err != nil || ar.Response == nil {
		return nil, fmt.Errorf("answer %q: %v", rec.Body, err)
	}
	return ar.Response, nil
}

// floorHandler answers every review "allowed" without decoding it: the
// harness's own cost (TLS, HTTP, the load generator sharing the cores),
// below which no webhook can go here.
func floorHandler() http.Handler {
	resp := []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"b6e5c5a4-bench","allowed":true}}`)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(resp)
	})
}
