package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, on their own registry.
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	events     prometheus.Counter
	jobs       *prometheus.CounterVec
	jobSeconds *prometheus.HistogramVec
	running    prometheus.Gauge
	scanned    prometheus.Counter
	queue      *prometheus.GaugeVec
	queueWait  *prometheus.HistogramVec
	throttled  prometheus.Counter // requests refused by a token's rate limit
	connsShed  prometheus.Counter // connections closed beyond the limits
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bulwark_http_requests_total",
			Help: "HTTP requests by route pattern and status code."}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "bulwark_http_request_duration_seconds",
			Help: "HTTP request latency by route pattern.", Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 10)}, []string{"route"}),
		events: prometheus.NewCounter(prometheus.CounterOpts{Name: "bulwark_registry_events_total",
			Help: "Registry notifications stored."}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bulwark_jobs_total",
			Help: "Queue jobs run, by kind and outcome."}, []string{"kind", "outcome"}),
		jobSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "bulwark_job_duration_seconds",
			Help: "Time to run a job, by kind.", Buckets: prometheus.ExponentialBuckets(0.05, 2, 12)}, []string{"kind"}),
		running: prometheus.NewGauge(prometheus.GaugeOpts{Name: "bulwark_jobs_running", Help: "Jobs running in this replica."}),
		scanned: prometheus.NewCounter(prometheus.CounterOpts{Name: "bulwark_images_evaluated_total",
			Help: "Image evaluations saved (scans and re-matches)."}),
		queue: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "bulwark_queue_jobs",
			Help: "Jobs in the shared queue by state."}, []string{"state"}),
		queueWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "bulwark_queue_wait_seconds",
			Help:    "Time from a job's creation (a notification stored) to its start, by kind.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 16)}, []string{"kind"}),
		throttled: prometheus.NewCounter(prometheus.CounterOpts{Name: "bulwark_http_throttled_total",
			Help: "Requests refused (429) because their token went over its rate limit."}),
		connsShed: prometheus.NewCounter(prometheus.CounterOpts{Name: "bulwark_http_connections_refused_total",
			Help: "Connections closed on accept because the server or the client address had too many open."}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.events, m.jobs, m.jobSeconds, m.running, m.scanned, m.queue, m.queueWait,
		m.throttled, m.connsShed,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler(*Server) http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// instrument counts requests by the mux pattern that served them (never
// the raw path: IDs would explode the label set).
func (m *metrics) instrument(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		mux.ServeHTTP(sw, r)
		_, route := mux.Handler(r)
		if route == "" {
			route = "other"
		}
		m.requests.WithLabelValues(route, strconv.Itoa(sw.code)).Inc()
		m.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

func (s *Server) updateQueueMetrics(ctx context.Context) {
	q, err := s.store.QueueStats(ctx)
	if err != nil {
		return
	}
	s.metrics.queue.WithLabelValues("pending").Set(float64(q.Pending))
	s.metrics.queue.WithLabelValues("running").Set(float64(q.Running))
	s.metrics.queue.WithLabelValues("dead").Set(float64(q.Dead))
}
