package admission

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Timeouts bound each connection, so that a slow or stalled client cannot
// hold one. The API server sends a review in one go and waits at most 30
// seconds for the answer.
type Timeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
	// Shutdown bounds the wait for reviews in flight at shutdown.
	Shutdown time.Duration
}

// DefaultTimeouts are used for zero fields.
func DefaultTimeouts() Timeouts {
	return Timeouts{ReadHeader: 5 * time.Second, Read: 15 * time.Second, Write: 35 * time.Second,
		Idle: 2 * time.Minute, Shutdown: 20 * time.Second}
}

func (t Timeouts) withDefaults() Timeouts {
	d := DefaultTimeouts()
	return Timeouts{ReadHeader: cmp.Or(t.ReadHeader, d.ReadHeader), Read: cmp.Or(t.Read, d.Read),
		Write: cmp.Or(t.Write, d.Write), Idle: cmp.Or(t.Idle, d.Idle), Shutdown: cmp.Or(t.Shutdown, d.Shutdown)}
}

// Serve serves the webhook over TLS on ln until ctx ends, then stops
// being ready, lets the reviews in flight finish (within t.Shutdown) and
// returns nil. certs gives the serving certificate for each handshake.
func Serve(ctx context.Context, ln net.Listener, wh *Webhook, certs *CertSource, t Timeouts, log *slog.Logger) error {
	t = t.withDefaults()
	srv := &http.Server{Handler: wh, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, WriteTimeout: t.Write,
		IdleTimeout: t.Idle, MaxHeaderBytes: 64 << 10, TLSConfig: tlsConfig(certs),
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	wh.SetReady(false)
	shut, cancel := context.WithTimeout(context.Background(), t.Shutdown)
	defer cancel()
	if serr := srv.Shutdown(shut); serr != nil && err == nil {
		err = serr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// tlsConfig is TLS 1.2 and up; for TLS 1.2 only ECDHE key exchange with
// AEAD ciphers (TLS 1.3's suites are all AEAD and not configurable).
func tlsConfig(certs *CertSource) *tls.Config {
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		GetCertificate: certs.GetCertificate,
		CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		},
	}
}
