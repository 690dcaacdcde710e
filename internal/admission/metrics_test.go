package admission

import (
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
)

// counter is the value of the metric name whose labels include labels
// (0 when there is none).
func counter(t *testing.T, m *Metrics, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, mt := range mf.GetMetric() {
			for _, lp := range mt.GetLabel() {
				if want, ok := labels[lp.GetName()]; ok && want != lp.GetValue() {
					continue metrics
				}
			}
			if mt.Counter != nil {
				return mt.GetCounter().GetValue()
			}
			return float64(mt.GetHistogram().GetSampleCount())
		}
	}
	return 0
}

func TestMetricsCount(t *testing.T) {
	m := NewMetrics()
	wh := New(Options{Engine: testEngine(t, ""), Logger: discard(), Metrics: m})
	for _, req := range []*admissionv1.AdmissionRequest{
		request(admissionv1.Create, "Pod", privilegedPod), // denied: test.deny
		request(admissionv1.Create, "Pod", privilegedPod), // twice
		request(admissionv1.Create, "Pod", latestPod),     // warned
		request(admissionv1.Create, "Pod", unownedPod),    // audited
		request(admissionv1.Create, "Pod", brokenPod),     // error, denied
		request(admissionv1.Update, "Deployment", privilegedDeployment),
		request(admissionv1.Create, "ConfigMap", configMap), // no rule reads it
		request(admissionv1.Delete, "Pod", ""),
		func() *admissionv1.AdmissionRequest {
			r := request(admissionv1.Create, "Pod", cleanPod)
			r.Kind.Kind = "Gadget"
			return r
		}(),
	} {
		answer(t, post(wh, reviewBody(t, req), "application/json"))
	}
	post(wh, []byte("{"), "application/json")
	post(wh, []byte("{}"), "text/yaml")
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"bulwark_admission_reviews_total", map[string]string{"result": "denied", "kind": "Pod"}, 3},
		{"bulwark_admission_reviews_total", map[string]string{"result": "denied", "kind": "Deployment"}, 1},
		{"bulwark_admission_reviews_total", map[string]string{"result": "allowed", "kind": "Pod"}, 3},
		{"bulwark_admission_reviews_total", map[string]string{"result": "allowed", "kind": "other"}, 2}, // ConfigMap, Gadget: no unbounded labels
		{"bulwark_admission_reviews_total", map[string]string{"result": "error", "kind": ""}, 2},
		{"bulwark_admission_rule_decisions_total", map[string]string{"rule": "test.deny", "effect": "deny", "status": "fail"}, 3},
		{"bulwark_admission_rule_decisions_total", map[string]string{"rule": "test.warn", "effect": "warn", "status": "warn"}, 1},
		{"bulwark_admission_rule_decisions_total", map[string]string{"rule": "test.audit", "effect": "audit", "status": "fail"}, 1},
		{"bulwark_admission_rule_decisions_total", map[string]string{"rule": "test.broken", "effect": "deny", "status": "error"}, 1},
		{"bulwark_admission_unevaluated_total", map[string]string{"reason": "kind"}, 2},
		{"bulwark_admission_unevaluated_total", map[string]string{"reason": "delete"}, 1},
		{"bulwark_admission_request_duration_seconds", nil, 11},
	} {
		if got := counter(t, m, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
}
