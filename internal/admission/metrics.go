package admission

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the webhook's Prometheus metrics, on their own registry so
// that several webhooks (tests) in one process do not collide.
type Metrics struct {
	reg *prometheus.Registry
	// reviews counts answered reviews by result (allowed, denied, error)
	// and kind; kinds no rule reads are "other", so a caller cannot grow
	// the label set.
	reviews *prometheus.CounterVec
	// rules counts the rules that did not pass, by rule, the effect
	// applied (deny, warn, audit) and status (fail, warn, error).
	rules       *prometheus.CounterVec
	unevaluated *prometheus.CounterVec
	latency     prometheus.Histogram
	panics      prometheus.Counter
}

// NewMetrics makes the metrics, with the Go runtime and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		reviews: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bulwark_admission_reviews_total",
			Help: "Admission reviews answered, by result (allowed, denied, error) and object kind."}, []string{"result", "kind"}),
		rules: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bulwark_admission_rule_decisions_total",
			Help: "Rules that did not pass a review, by rule, effect applied (deny, warn, audit) and status (fail, warn, error)."},
			[]string{"rule", "effect", "status"}),
		unevaluated: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bulwark_admission_unevaluated_total",
			Help: "Reviews allowed without evaluation, by reason (kind: no rule reads it; delete; connect; subresource; deleting)."},
			[]string{"reason"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "bulwark_admission_request_duration_seconds",
			Help:    "Time to answer a POST /validate, from the request's headers to the answer written.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16)}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{Name: "bulwark_admission_panics_total",
			Help: "Requests that panicked and were answered 500 by the recovery middleware."}),
	}
	m.reg.MustRegister(m.reviews, m.rules, m.unevaluated, m.latency, m.panics,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler { return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}) }

// Registry is where the metrics are registered (for tests and for a
// caller that adds its own).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }
