package image

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Waits on registry traffic: a registry that never answers must not hold
// a scan (or a server worker) for long. A blob download may take minutes,
// so the body has no deadline of its own beyond the caller's context;
// what is bounded is each wait for the far end to start answering.
const (
	dialTimeout           = 10 * time.Second
	tlsHandshakeTimeout   = 10 * time.Second
	responseHeaderTimeout = 30 * time.Second
	// requestTimeout bounds one small request (a manifest, a catalog or
	// tag page, a HEAD).
	requestTimeout = 60 * time.Second
)

// DialFunc opens a connection; servers pass one that refuses addresses
// their policy forbids.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// NewTransport is the HTTP transport for registry traffic: bounded
// connect and TLS handshake, at most headerWait (0 for the default 30 s)
// for the answer to start and between two reads of its body, through dial
// when it is set, and redirects only to the host the request was for.
func NewTransport(dial DialFunc, headerWait time.Duration) http.RoundTripper {
	if dial == nil {
		dial = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	}
	if headerWait <= 0 {
		headerWait = responseHeaderTimeout
	}
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dial,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   tlsHandshakeTimeout,
		ResponseHeaderTimeout: headerWait,
		ExpectContinueTimeout: time.Second,
	}
	return sameHostRedirects{stallGuard{next: t, idle: headerWait}}
}

// stallGuard fails a response whose body stops arriving for idle: a
// registry that sends a blob a byte a minute cannot hold a scan until its
// overall timeout.
type stallGuard struct {
	next http.RoundTripper
	idle time.Duration
}

func (g stallGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := g.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b := &stallBody{ReadCloser: resp.Body, idle: g.idle}
	b.timer = time.AfterFunc(g.idle, func() { b.stalled.Store(true); resp.Body.Close() })
	resp.Body = b
	return resp, nil
}

// stallBody closes its body when no byte arrived for idle.
type stallBody struct {
	io.ReadCloser
	idle    time.Duration
	timer   *time.Timer
	stalled atomic.Bool
}

func (b *stallBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.timer.Reset(b.idle)
	}
	if err != nil && b.stalled.Load() {
		err = fmt.Errorf("registry sent nothing for %v: %w", b.idle, err)
	}
	return n, err
}

func (b *stallBody) Close() error {
	b.timer.Stop()
	return b.ReadCloser.Close()
}

// sameHostRedirects refuses to follow a redirect to another host than the
// one the redirected request was for: a hostile registry must not make
// Bulwark fetch from elsewhere (cloud metadata, internal services).
type sameHostRedirects struct{ next http.RoundTripper }

func (s sameHostRedirects) RoundTrip(req *http.Request) (*http.Response, error) {
	if prev := req.Response; prev != nil && prev.Request != nil && prev.Request.URL.Host != req.URL.Host {
		return nil, fmt.Errorf("registry %s redirected to another host (%s): refused", prev.Request.URL.Host, req.URL.Host)
	}
	return s.next.RoundTrip(req)
}

// remoteOptions are the go-containerregistry options every registry
// request of ours uses.
func remoteOptions(ctx context.Context, opts Options) []remote.Option {
	t := opts.Transport
	if t == nil {
		t = NewTransport(nil, 0)
	}
	return []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(keychain(opts)),
		remote.WithUserAgent("bulwark"), remote.WithTransport(t)}
}
