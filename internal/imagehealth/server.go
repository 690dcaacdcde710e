package imagehealth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// ServerOptions configure a Server.
type ServerOptions struct {
	// URL is `bulwark serve`'s base URL: https, or http to loopback only.
	URL string
	// Token is a reader (or admin) API token, sent as a bearer token.
	Token string
	// CAFile holds PEM certificates trusted beside the system's.
	CAFile string
	// Timeout bounds one call, connection included (default 1 s).
	Timeout time.Duration
}

// Server asks `bulwark serve`'s GET /api/v1/image-health. Every call ends
// within its timeout, with an error when the server is unreachable or
// answers anything but 200; the token appears in no error.
type Server struct {
	base    string
	token   string
	timeout time.Duration
	client  *http.Client
}

var _ policy.ImageHealth = (*Server)(nil)

// NewServer checks the options and builds the client; it does not call
// the server.
func NewServer(o ServerOptions) (*Server, error) {
	u, err := url.Parse(o.URL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("image-health server %q: want https://host[:port]", o.URL)
	}
	if u.User != nil {
		return nil, errors.New("image-health server: put the token in tokenFile, not in the URL")
	}
	if u.Scheme == "http" && !image.LoopbackHost(u.Host) {
		return nil, fmt.Errorf("image-health server %s: plain http only to loopback; use https", u.Host)
	}
	if o.Token == "" {
		return nil, errors.New("image-health server: no token")
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if o.CAFile != "" {
		if tr.TLSClientConfig, err = trusting(o.CAFile); err != nil {
			return nil, err
		}
	}
	if o.Timeout <= 0 {
		o.Timeout = policy.DefaultImageHealthTimeout
	}
	// A redirect would carry the question (and, to the same host, the
	// token) elsewhere: the answer must come from the server named.
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Server{base: strings.TrimSuffix(u.String(), "/"), token: o.Token, timeout: o.Timeout,
		client: &http.Client{Transport: tr, Timeout: o.Timeout, CheckRedirect: noRedirect}}, nil
}

// trusting is a TLS configuration trusting the system's roots and the
// certificates of caFile.
func trusting(caFile string) (*tls.Config, error) {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("image-health CA file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("image-health CA file %s: no PEM certificate in it", caFile)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// healthAnswer is the endpoint's answer.
type healthAnswer struct {
	Ref       string         `json:"ref"`
	Found     bool           `json:"found"`
	Scanned   bool           `json:"scanned"`
	Healthy   bool           `json:"healthy"`
	Digest    string         `json:"digest"`
	ScannedAt *time.Time     `json:"scannedAt"`
	Counts    map[string]int `json:"counts"`
}

// maxAnswerBytes bounds the answer read (a few hundred bytes).
const maxAnswerBytes = 64 << 10

// Health asks the server about image.
func (s *Server) Health(ctx context.Context, img string) (policy.ImageVerdict, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/api/v1/image-health?ref="+url.QueryEscape(img), nil)
	if err != nil {
		return policy.ImageVerdict{}, fmt.Errorf("image-health server %s: %w", s.base, err)
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return policy.ImageVerdict{}, s.callError(ctx, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return policy.ImageVerdict{}, s.callError(ctx, err)
	}
	if resp.StatusCode != http.StatusOK {
		return policy.ImageVerdict{}, fmt.Errorf("image-health server %s: %s for %s: %s", s.base, resp.Status, img, serverMessage(body))
	}
	var a healthAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return policy.ImageVerdict{}, fmt.Errorf("image-health server %s: answer for %s: %w", s.base, img, err)
	}
	return a.verdict(), nil
}

// callError says why a call got no answer, naming the timeout when that
// was it rather than Go's "context deadline exceeded".
func (s *Server) callError(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("image-health server %s: no answer within %s", s.base, s.timeout)
	}
	return fmt.Errorf("image-health server %s: %w", s.base, err)
}

// serverMessage is the {"error": ...} of an answer, else its start.
func serverMessage(body []byte) string {
	var e struct{ Error string }
	if json.Unmarshal(body, &e) == nil && e.Error != "" {
		return e.Error
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

func (a healthAnswer) verdict() policy.ImageVerdict {
	if !a.Found || !a.Scanned {
		return policy.ImageVerdict{Digest: a.Digest}
	}
	return policy.ImageVerdict{Scanned: true, Healthy: a.Healthy, Digest: a.Digest, Summary: countsSummary(a.Counts)}
}

// countsSummary says what the last scan found, most severe first.
func countsSummary(c map[string]int) string {
	var parts []string
	for _, sev := range []string{"critical", "high", "medium", "low", "informational", "unknown"} {
		if n := c[sev]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	if len(parts) == 0 {
		return "no findings"
	}
	return strings.Join(parts, ", ") + " findings"
}
