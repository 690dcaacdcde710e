// Package server is `bulwark serve`: the HTTP API and dashboard, the scan
// queue's workers, registry notifications and catalog sync, and the
// schedules that keep results current (daily rescans, re-matching stored
// SBOMs when the vulnerability data changes).
package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"sync"
	"time"

	"github.com/bulwarksec/bulwark/internal/alert"
	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/match"
	"github.com/bulwarksec/bulwark/internal/store"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// Options configure a Server.
type Options struct {
	Store  *store.Store
	Sealer *Sealer
	// DBDir is the vulnerability database directory.
	DBDir string
	// TempDir holds scan spill files.
	TempDir string
	// Workers is how many scans run at once.
	Workers int
	// Policy decides image health.
	Policy match.Policy
	// BaseURL is how users reach the server (for links and the
	// notification URL shown to them).
	BaseURL string
	// ScanTimeout bounds one scan.
	ScanTimeout time.Duration
	// RescanEvery is how often the rescan policy runs; SyncEvery how often
	// registries' catalogs are listed; Tick how often new vulnerability
	// data is looked for (default 30s).
	RescanEvery, SyncEvery, Tick time.Duration
	// WorkerID names this replica in job locks.
	WorkerID string
	// Version is Bulwark's version, recorded in reports.
	Version string
	// Notifier sends alerts out (webhook, Slack, syslog); nil sends none.
	Notifier *alert.Dispatcher
	// DataRefresh is how often the vulnerability data is downloaded again
	// from DataSources (0: never, as with --offline), with DataClient
	// (nil: a default one); DataStaleAfter is the age past which an alert
	// says the data is stale (0: no alert).
	DataRefresh, DataStaleAfter time.Duration
	DataSources                 vulndb.Sources
	DataClient                  *http.Client
	// UI serves the dashboard at / (the binary passes web.Handler: only
	// it may import web/).
	UI     http.Handler
	Logger *slog.Logger
	// ListenAddr is the address the server listens on (ip:port): the
	// registry address policy refuses it, and allows loopback registries
	// only while it is loopback.
	ListenAddr string
	// RegistryAllow are private address ranges registries may be in
	// (--registry-allow); link-local and metadata addresses never are.
	RegistryAllow []netip.Prefix
	// CatalogLimits bound one listing of a registry (zero: defaults).
	CatalogLimits image.CatalogLimits
	// Limits bound what clients may hold and send (zero fields:
	// defaults).
	Limits Limits
}

// Server is one `bulwark serve` replica.
type Server struct {
	opts    Options
	store   *store.Store
	log     *slog.Logger
	metrics *metrics
	wakeCh  chan struct{}

	dbMu sync.Mutex
	db   *cachedDB

	rulesMu sync.Mutex
	rules   []store.FindingRule
	rulesAt time.Time

	egress    egressPolicy
	transport http.RoundTripper // registry traffic, through egress
	limiter   *tokenLimiter
	slots     *registrySlots
}

// New makes a Server.
func New(opts Options) *Server {
	if opts.Workers <= 0 {
		opts.Workers = 2
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.ScanTimeout == 0 {
		opts.ScanTimeout = 30 * time.Minute
	}
	if opts.RescanEvery == 0 {
		opts.RescanEvery = time.Hour
	}
	if opts.Tick == 0 {
		opts.Tick = 30 * time.Second
	}
	if opts.SyncEvery == 0 {
		opts.SyncEvery = 6 * time.Hour
	}
	if opts.WorkerID == "" {
		h, _ := os.Hostname()
		opts.WorkerID = h + "-" + randomID()
	}
	if opts.Policy == (match.Policy{}) {
		opts.Policy = match.DefaultPolicy()
	}
	opts.Limits = opts.Limits.withDefaults()
	s := &Server{opts: opts, store: opts.Store, log: opts.Logger, metrics: newMetrics(), wakeCh: make(chan struct{}, 1),
		egress: newEgressPolicy(opts.ListenAddr, opts.RegistryAllow)}
	s.transport = image.NewTransport(s.egress.dialContext, opts.Limits.RegistryWait)
	s.limiter = newTokenLimiter(opts.Limits.TokenRate, opts.Limits.TokenBurst)
	s.slots = newRegistrySlots(opts.Workers)
	return s
}

// Handler is the whole HTTP surface: health, metrics, the API and the
// dashboard.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.Handle("GET /metrics", s.authenticate(s.metrics.handler(s), false))
	api := http.NewServeMux()
	api.HandleFunc("GET /api/v1/openapi.json", s.handleOpenAPI)
	api.HandleFunc("GET /api/v1/me", s.handleMe)
	api.HandleFunc("GET /api/v1/overview", s.handleOverview)
	api.HandleFunc("GET /api/v1/images", s.handleImages)
	api.HandleFunc("GET /api/v1/images/{id}", s.handleImage)
	api.HandleFunc("POST /api/v1/images/{id}/scan", s.queueFor("image", s.imageExists, scanJob))
	api.HandleFunc("GET /api/v1/image-health", s.handleImageHealth)
	api.HandleFunc("GET /api/v1/registries", s.handleRegistries)
	api.HandleFunc("POST /api/v1/registries", s.handleCreateRegistry)
	api.HandleFunc("DELETE /api/v1/registries/{id}", s.deleteByID("registry", s.deleteRegistry))
	api.HandleFunc("POST /api/v1/registries/{id}/sync", s.queueFor("registry", s.registryExists, syncJob))
	api.HandleFunc("GET /api/v1/recommendations", s.handleRecommendations)
	api.HandleFunc("GET /api/v1/recommendations/{id}", s.handleRecommendation)
	api.HandleFunc("GET /api/v1/alerts", s.handleAlerts)
	api.HandleFunc("POST /api/v1/alerts", s.handleCreateAlert)
	api.HandleFunc("POST /api/v1/alerts/{id}/{action}", s.handleAlertAction)
	api.HandleFunc("GET /api/v1/inventory", s.handleInventory)
	api.HandleFunc("GET /api/v1/exemptions", s.handleExemptions)
	api.HandleFunc("POST /api/v1/exemptions", s.handleCreateExemption)
	api.HandleFunc("DELETE /api/v1/exemptions/{id}", s.deleteByID("exemption", s.store.DeleteExemption))
	api.HandleFunc("GET /api/v1/finding-rules", s.handleFindingRules)
	api.HandleFunc("POST /api/v1/finding-rules", s.handleCreateFindingRule)
	api.HandleFunc("DELETE /api/v1/finding-rules/{id}", s.deleteByID("finding rule", s.deleteFindingRule))
	api.HandleFunc("GET /api/v1/tokens", s.handleTokens)
	api.HandleFunc("POST /api/v1/tokens", s.handleCreateToken)
	api.HandleFunc("DELETE /api/v1/tokens/{id}", s.deleteByID("token", s.store.DeleteToken))
	api.HandleFunc("/api/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such API endpoint: "+r.Method+" "+r.URL.Path)
	})
	mux.Handle("/api/v1/", s.authenticate(api, false))
	events := http.NewServeMux()
	events.HandleFunc("POST /api/v1/events/distribution", s.handleDistributionEvents)
	events.HandleFunc("POST /api/v1/events/harbor", s.handleHarborEvents)
	mux.Handle("/api/v1/events/", s.authenticate(events, true))
	mux.Handle("/openapi.json", http.RedirectHandler("/api/v1/openapi.json", http.StatusFound))
	if s.opts.UI != nil {
		mux.Handle("/", s.opts.UI)
	}
	return securityHeaders(s.metrics.instrument(mux))
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	if err := s.store.Ping(r.Context()); err != nil {
		writeError(w, http.StatusServiceUnavailable, "store unavailable")
		return
	}
	if _, err := s.database(); err != nil {
		s.log.Debug("not ready", "err", err)
		writeError(w, http.StatusServiceUnavailable, "no vulnerability database yet")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// Run serves HTTP on ln (TLS when cert and key are set) and runs the
// workers and schedules until ctx ends, then shuts down gracefully.
func (s *Server) Run(ctx context.Context, ln net.Listener, certFile, keyFile string) error {
	srv := s.httpServer()
	ln = newConnLimiter(ln, s.opts.Limits, s.metrics.connsShed.Inc)
	var wg sync.WaitGroup
	bg, stop := context.WithCancel(ctx)
	defer stop()
	for i := 0; i < s.opts.Workers; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); s.worker(bg, i) }()
	}
	wg.Add(1)
	go func() { defer wg.Done(); s.schedule(bg) }()
	wg.Add(1)
	go func() { defer wg.Done(); s.refreshLoop(bg) }()
	errc := make(chan error, 1)
	go func() {
		if certFile != "" {
			errc <- srv.ServeTLS(ln, certFile, keyFile)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(shut)
	stop()
	wg.Wait()
	s.closeDB()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// httpServer is the HTTP server with every read, write and idle wait
// bounded (a client that sends a byte now and then cannot hold a
// connection) and, with TLS, only modern cipher suites.
func (s *Server) httpServer() *http.Server {
	l := s.opts.Limits
	return &http.Server{Handler: s.Handler(), ReadHeaderTimeout: l.ReadHeaderTimeout, ReadTimeout: l.ReadTimeout,
		WriteTimeout: l.WriteTimeout, IdleTimeout: l.IdleTimeout, MaxHeaderBytes: 64 << 10, TLSConfig: tlsConfig(),
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
}

// wake tells idle workers that a job may be waiting.
func (s *Server) wake() {
	select {
	case s.wakeCh <- struct{}{}:
	default:
	}
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.Encode(v)
}

// writeError writes {"error": msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// internalError logs err and answers 500 without details.
func (s *Server) internalError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, "internal error; see the server log")
}
