package image

import (
	"context"
	"fmt"
	"net"
	"net/http"
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
// connect, TLS handshake and response-header waits (headerWait, 0 for the
// default 30 s), through dial when it is set, and redirects only to the
// host the request was for.
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
	return sameHostRedirects{t}
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
