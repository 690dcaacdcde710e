package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/bulwarksec/bulwark/internal/admission"
)

type admissionServeFlags struct {
	pssVersion         string
	listen, config     string
	tlsCert, tlsKey    string
	certDir            string
	sans               []string
	service, namespace string
	logFormat          string
}

func newAdmissionServeCommand() *cobra.Command {
	var f admissionServeFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the validating admission webhook",
		Long: `Serve the admission webhook over TLS: POST /validate answers AdmissionReviews
(deny rules refuse the request with each violation's field path and
remediation, warn rules answer with warnings kubectl prints, audit rules are
logged and counted), /metrics serves Prometheus metrics, /healthz and
/readyz the probes. It keeps no state: run as many replicas as you like.

Without --tls-cert/--tls-key it generates a CA and a serving certificate for
--tls-san (default: the DNS names of --service in --namespace, localhost and
127.0.0.1) in --cert-dir, reuses them on the next start, and prints the CA
bundle's path for "bulwark admission install --ca-file". Replicas must share
one certificate: give them the same --tls-cert/--tls-key.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAdmissionServe(cmd.Context(), cmd.ErrOrStderr(), &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", ":8443", "address to serve on (TLS only)")
	fl.StringVar(&f.config, "config", "", "policy configuration file (YAML): effects, parameters, scope (default: built-in defaults)")
	fl.StringVar(&f.pssVersion, "pss-version", "", "Pod Security Standards version: latest or v1.N (default: the config's, else latest)")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "serving certificate file (PEM); read again when it changes")
	fl.StringVar(&f.tlsKey, "tls-key", "", "serving key file (PEM)")
	fl.StringVar(&f.certDir, "cert-dir", defaultCertDir(), "where a generated CA and certificate are kept (without --tls-cert)")
	fl.StringSliceVar(&f.sans, "tls-san", nil, "names and IPs of a generated certificate (default: the Service's DNS names, localhost, 127.0.0.1)")
	fl.StringVar(&f.service, "service", "bulwark-admission", "Service in front of the webhook (for the generated certificate's names)")
	fl.StringVar(&f.namespace, "namespace", "bulwark", "namespace of that Service")
	fl.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	return cmd
}

func runAdmissionServe(ctx context.Context, stderr io.Writer, f *admissionServeFlags) error {
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return usageError{fmt.Errorf("--tls-cert and --tls-key go together")}
	}
	log, err := newLogger(stderr, f.logFormat)
	if err != nil {
		return usageError{err}
	}
	engine, err := policyEngine(f.config, f.pssVersion)
	if err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		// The webhook's live heap is a few megabytes and every review
		// allocates tens of kilobytes: at the default 100 the collector
		// ran every few milliseconds under load, costing about a third of
		// a review's CPU. Four times the live heap is still small.
		debug.SetGCPercent(400)
	}
	if f.tlsCert == "" {
		if f.tlsCert, f.tlsKey, err = generatedCert(stderr, f); err != nil {
			return err
		}
	}
	certs, err := admission.NewCertSource(f.tlsCert, f.tlsKey)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return err
	}
	log.Info("admission webhook listening", "addr", ln.Addr().String(), "rules", len(engine.Rules()), "kinds", engine.Kinds())
	wh := admission.New(admission.Options{Engine: engine, Logger: log})
	err = admission.Serve(ctx, ln, wh, certs, admission.Timeouts{}, log)
	log.Info("admission webhook stopped")
	return err
}

// generatedCert makes or reuses the CA and serving certificate in
// --cert-dir and says where the CA bundle is.
func generatedCert(stderr io.Writer, f *admissionServeFlags) (cert, key string, err error) {
	sans := f.sans
	if len(sans) == 0 {
		sans = serviceNames(f.service, f.namespace)
	}
	g, err := admission.GenerateCerts(f.certDir, sans)
	if err != nil {
		return "", "", err
	}
	fmt.Fprintf(stderr, "Serving with a certificate from Bulwark's own CA (give --tls-cert/--tls-key for yours).\n"+
		"CA bundle: %s\nRegister the webhook with: bulwark admission install --ca-file %s\n", g.CAFile, g.CAFile)
	return g.CertFile, g.KeyFile, nil
}

// serviceNames are the names the API server may use for the Service, and
// the loopback names for a webhook run beside it.
func serviceNames(service, namespace string) []string {
	return []string{service, service + "." + namespace, service + "." + namespace + ".svc",
		service + "." + namespace + ".svc.cluster.local", "localhost", "127.0.0.1"}
}

func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}
