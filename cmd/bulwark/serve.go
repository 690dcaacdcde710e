package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/bulwarksec/bulwark/internal/alert"
	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/match"
	"github.com/bulwarksec/bulwark/internal/server"
	"github.com/bulwarksec/bulwark/internal/store"
	"github.com/bulwarksec/bulwark/internal/vulndb"
	"github.com/bulwarksec/bulwark/web"
)

type serveFlags struct {
	listen, dataDir, database, dbDir string
	tlsCert, tlsKey, secretKeyFile   string
	baseURL                          string
	workers                          int
	webhooks, slack                  []string
	syslog                           string
	unhealthyOn                      string
	unhealthyUnfixed                 bool
	tokenFile                        string
	tick                             time.Duration
	registryAllow                    []string
	dataRefresh, dataStaleAfter      time.Duration
	offline                          bool
	data                             vulndb.Sources
}

func newServeCommand() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the platform: registry watch, scans, recommendations, alerts, API and dashboard",
		Long: `Run Bulwark's server: connect registries, receive their push and pull
notifications, scan what is pushed and keep results current as
vulnerability data changes, and show inventory, recommendations and alerts
in a dashboard and a REST API (/api/v1, documented at /api/v1/openapi.json).

With no flags it keeps its state in an embedded SQLite database under
--data-dir, listens on 127.0.0.1:8080, and prints the dashboard URL and a
first admin token. --database postgres://... shares state between replicas.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd.Context(), &f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", "127.0.0.1:8080", "address to serve on (TLS is on when it is not loopback)")
	fl.StringVar(&f.dataDir, "data-dir", defaultDataDir(), "state directory: SQLite database, secret key, vulnerability data (env BULWARK_DATA_DIR)")
	fl.StringVar(&f.database, "database", "", "postgres://... to share state between replicas (default: SQLite in --data-dir)")
	fl.StringVar(&f.dbDir, "db-dir", "", "vulnerability database directory (default: DATA-DIR/db)")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "TLS certificate file")
	fl.StringVar(&f.tlsKey, "tls-key", "", "TLS key file")
	fl.StringVar(&f.secretKeyFile, "secret-key-file", "", "key encrypting registry credentials (default DATA-DIR/secret.key; env BULWARK_SECRET_KEY)")
	fl.StringVar(&f.baseURL, "base-url", "", "URL users reach the server at (default from --listen)")
	fl.IntVar(&f.workers, "workers", 2, "scans run at once by this replica")
	fl.StringArrayVar(&f.webhooks, "webhook", nil, "send alerts as JSON to this URL (repeatable)")
	fl.StringArrayVar(&f.slack, "slack", nil, "send alerts to this Slack incoming-webhook URL (repeatable)")
	fl.StringVar(&f.syslog, "syslog", "", "send alerts as RFC 5424 syslog to udp://host:port, tcp://host:port or tcp+tls://host:port")
	fl.StringVar(&f.unhealthyOn, "unhealthy-on", "high", "lowest severity that makes an image unhealthy")
	fl.BoolVar(&f.unhealthyUnfixed, "unhealthy-unfixed", false, "count findings without a fix toward health too")
	fl.StringVar(&f.tokenFile, "initial-token-file", "", "also write the first admin token to this file (mode 0600)")
	fl.DurationVar(&f.tick, "check-interval", 30*time.Second, "how often to look for new vulnerability data and run schedules")
	fl.StringSliceVar(&f.registryAllow, "registry-allow", nil, "private address ranges (CIDR,...) registries may be in; link-local and metadata addresses never are, loopback only while listening on loopback")
	fl.DurationVar(&f.dataRefresh, "data-refresh", 6*time.Hour, "download vulnerability data this often, as 'bulwark db update' does (0: never)")
	fl.BoolVar(&f.offline, "offline", false, "never download vulnerability data (update it with 'bulwark db update' or 'db import')")
	fl.StringVar(&f.data.OSVBase, "data-source", vulndb.DefaultFeedBase, "base URL of the OSV exports to refresh from (a mirror)")
	fl.StringSliceVar(&f.data.Ecosystems, "data-ecosystems", vulndb.DefaultEcosystems(), "OSV ecosystems to refresh")
	fl.BoolVar(&f.data.NVD, "data-nvd", false, "also refresh NVD's CVE feeds, which rate advisories without a severity (Go's)")
	fl.DurationVar(&f.dataStaleAfter, "data-stale-after", 48*time.Hour, "raise an alert when the vulnerability data is older than this (0: never)")
	return cmd
}

// defaultDataDir is $BULWARK_DATA_DIR, else bulwark in the user's data
// directory.
func defaultDataDir() string {
	if d := os.Getenv("BULWARK_DATA_DIR"); d != "" {
		return d
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "bulwark")
	}
	return ".bulwark"
}

func runServe(ctx context.Context, f *serveFlags) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	policy := match.DefaultPolicy()
	var err error
	if policy.Threshold, err = finding.ParseSeverity(f.unhealthyOn); err != nil {
		return usageError{fmt.Errorf("--unhealthy-on: %w", err)}
	}
	policy.FixedOnly = !f.unhealthyUnfixed
	if f.offline {
		f.dataRefresh = 0
	}
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return usageError{fmt.Errorf("--tls-cert and --tls-key go together")}
	}
	allow, err := parsePrefixes(f.registryAllow)
	if err != nil {
		return usageError{fmt.Errorf("--registry-allow: %w", err)}
	}
	if err := store.PrivateDir(f.dataDir); err != nil {
		return err
	}
	if f.dbDir == "" {
		f.dbDir = filepath.Join(f.dataDir, "db")
	}
	keyFile := f.secretKeyFile
	if keyFile == "" {
		keyFile = filepath.Join(f.dataDir, "secret.key")
	}
	sealer, err := server.LoadSealer(os.Getenv("BULWARK_SECRET_KEY"), keyFile, true)
	if err != nil {
		return err
	}
	st, err := openState(ctx, f.dataDir, f.database)
	if err != nil {
		return err
	}
	defer st.Close()

	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return err
	}
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	ip := net.ParseIP(host)
	scheme := "http"
	if f.tlsCert != "" || (ip != nil && !ip.IsLoopback()) {
		scheme = "https"
		if f.tlsCert == "" {
			var fp string
			f.tlsCert, f.tlsKey, fp, err = server.SelfSignedCert(f.dataDir, certHosts(host, f.baseURL))
			if err != nil {
				return fmt.Errorf("tls: %w", err)
			}
			log.Info("serving TLS with a self-signed certificate (give --tls-cert/--tls-key for your own)", "sha256", fp)
		}
	}
	base := f.baseURL
	if base == "" {
		shown := host
		if ip != nil && ip.IsUnspecified() {
			shown = "127.0.0.1"
		}
		base = scheme + "://" + net.JoinHostPort(shown, port)
	}
	dispatcher, err := notifiers(f, log)
	if err != nil {
		return usageError{err}
	}
	srv := server.New(server.Options{Store: st, Sealer: sealer, DBDir: f.dbDir, TempDir: os.TempDir(), Workers: f.workers,
		Policy: policy, BaseURL: base, Version: version, Notifier: dispatcher, Logger: log, Tick: f.tick, UI: web.Handler(),
		ListenAddr: ln.Addr().String(), RegistryAllow: allow,
		DataRefresh: f.dataRefresh, DataStaleAfter: f.dataStaleAfter, DataSources: f.data})
	token, err := srv.InitialToken(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "\nBulwark is running: %s/\n", base)
	switch {
	case token != "" && f.tokenFile != "":
		// Written where only its owner reads it, never to the log.
		if err := os.WriteFile(f.tokenFile, []byte(token+"\n"), 0o600); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "First admin token written to %s\n", f.tokenFile)
	case token != "":
		fmt.Fprintf(os.Stderr, "First admin token (shown once; log in with it): %s\n", token)
	}
	fmt.Fprintf(os.Stderr, "Registry notifications: %s/api/v1/events/distribution (use an ingest token)\n\n", base)
	err = srv.Run(ctx, ln, f.tlsCert, f.tlsKey)
	if dispatcher != nil {
		c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		dispatcher.Close(c)
		cancel()
	}
	return err
}

// openState opens the server's store: database (postgres://...) when
// given, else SQLite in dataDir, which is made private first.
func openState(ctx context.Context, dataDir, database string) (*store.Store, error) {
	dsn := database
	if dsn == "" {
		if err := store.PrivateDir(dataDir); err != nil {
			return nil, err
		}
		dsn = filepath.Join(dataDir, "bulwark.db")
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return st, nil
}

// parsePrefixes reads CIDR ranges.
func parsePrefixes(ss []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range ss {
		p, err := netip.ParsePrefix(strings.TrimSpace(s))
		if err != nil {
			return nil, err
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// certHosts are the names a self-signed certificate carries: the listen
// address and --base-url's host, so that clients can verify (pin) it
// instead of skipping verification.
func certHosts(listenHost, baseURL string) []string {
	hosts := []string{listenHost}
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		hosts = append(hosts, u.Hostname())
	}
	return hosts
}

// notifiers builds the alert dispatcher from --webhook, --slack, --syslog.
func notifiers(f *serveFlags, log *slog.Logger) (*alert.Dispatcher, error) {
	var ns []alert.Notifier
	client := &http.Client{Timeout: 15 * time.Second}
	for _, u := range f.webhooks {
		ns = append(ns, alert.NewWebhook(u, nil, client))
	}
	for _, u := range f.slack {
		ns = append(ns, alert.NewSlack(u, client))
	}
	if f.syslog != "" {
		network, addr, ok := strings.Cut(f.syslog, "://")
		if !ok || (network != "udp" && network != "tcp" && network != "tcp+tls") {
			return nil, fmt.Errorf("--syslog %q: want udp://host:port, tcp://host:port or tcp+tls://host:port", f.syslog)
		}
		ns = append(ns, alert.NewSyslog(network, addr, "bulwark"))
	}
	if len(ns) == 0 {
		return nil, nil
	}
	return alert.NewDispatcher(ns, alert.Options{Logger: log}), nil
}
