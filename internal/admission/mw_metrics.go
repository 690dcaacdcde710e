package admission

import (
	"context"
	"net/http"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
)

// Values of the reviews metric's result label.
const (
	resultAllowed = "allowed"
	resultDenied  = "denied"
	resultError   = "error"
)

// withDecisionMetrics counts each decision: the review by result and kind,
// every rule that did not pass, and requests allowed unevaluated.
func withDecisionMetrics(m *Metrics, known func(group, kind string) bool, next ReviewFunc) ReviewFunc {
	return func(ctx context.Context, req *admissionv1.AdmissionRequest) *Decision {
		d := next(ctx, req)
		kind := req.Kind.Kind
		if d.Skipped == SkipKind || !known(req.Kind.Group, kind) {
			kind = "other"
		}
		result := resultAllowed
		if !d.Allowed {
			result = resultDenied
		}
		m.reviews.WithLabelValues(result, kind).Inc()
		if d.Skipped != "" {
			m.unevaluated.WithLabelValues(d.Skipped).Inc()
		}
		for _, v := range d.Verdicts {
			m.rules.WithLabelValues(v.Rule.ID, string(v.Applied), string(v.Status)).Inc()
		}
		return d
	}
}

// withRequestMetrics times every request and counts those answered with
// an HTTP error (malformed, too large, wrong type, panic) as reviews with
// result error: the API server then applies the failure policy.
func withRequestMetrics(m *Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		m.latency.Observe(time.Since(start).Seconds())
		if sw.code >= 400 {
			m.reviews.WithLabelValues(resultError, "").Inc()
		}
	})
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code    int
	written bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.written {
		w.code, w.written = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.written = true
	return w.ResponseWriter.Write(b)
}
