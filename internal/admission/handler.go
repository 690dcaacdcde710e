package admission

import (
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// Options configure a Webhook.
type Options struct {
	Engine *policy.Engine
	// Logger gets one line per decision (nil: slog.Default()).
	Logger *slog.Logger
	// Metrics (nil: new ones).
	Metrics *Metrics
	// MaxBody bounds a review's body (0: DefaultMaxBody).
	MaxBody int64
}

// Webhook is the webhook's HTTP surface: POST /validate, GET /healthz,
// /readyz and /metrics.
type Webhook struct {
	mux     *http.ServeMux
	metrics *Metrics
	ready   atomic.Bool
}

var _ http.Handler = (*Webhook)(nil)

// New makes a Webhook. It is ready (readyz 200) until SetReady(false).
func New(o Options) *Webhook {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics()
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	v := NewValidator(o.Engine)
	review := withDecisionLog(o.Logger, withDecisionMetrics(o.Metrics, v.Reads, v.Review))
	validate := withRequestLog(o.Logger, withRequestMetrics(o.Metrics, withRecovery(o.Logger, o.Metrics.panics.Inc,
		withBodyLimit(o.MaxBody, withJSON(withTimeout(serveReviews(review)))))))
	wh := &Webhook{mux: http.NewServeMux(), metrics: o.Metrics}
	wh.ready.Store(true)
	wh.mux.Handle("POST /validate", validate)
	wh.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	wh.mux.HandleFunc("GET /readyz", wh.readyz)
	wh.mux.Handle("GET /metrics", o.Metrics.Handler())
	return wh
}

func (wh *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) { wh.mux.ServeHTTP(w, r) }

// SetReady sets what /readyz answers; Serve clears it when shutting down.
func (wh *Webhook) SetReady(ok bool) { wh.ready.Store(ok) }

func (wh *Webhook) readyz(w http.ResponseWriter, _ *http.Request) {
	if !wh.ready.Load() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ok\n"))
}

// serveReviews is the plain handler: body in, decision out. A body that
// is not a well-formed review is refused with 400 and says why.
func serveReviews(review ReviewFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, code, err := readBody(r)
		if err != nil {
			http.Error(w, err.Error(), code)
			return
		}
		ar, err := decodeReview(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		out, err := encodeReview(review(r.Context(), ar.Request).Response())
		if err != nil {
			panic(err) // a response of strings and maps always encodes; the recovery answers 500
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(out)
	})
}
