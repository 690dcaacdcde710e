package alert

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bulwarksec/bulwark/internal/retryafter"
)

// httpPoster POSTs JSON to a URL that is itself a secret: Slack and most
// webhook receivers authenticate by a token in the path or query. Only the
// scheme and host (safe) ever appear in names and errors.
type httpPoster struct {
	client  *http.Client
	url     string
	safe    string // scheme://host, for names and errors
	headers map[string]string
	bad     error // why url is unusable, if it is
}

// errorBodyLimit is how much of a failed answer's body goes into the error.
const errorBodyLimit = 200

func newHTTPPoster(rawURL string, headers map[string]string, client *http.Client) *httpPoster {
	p := &httpPoster{client: client, url: rawURL, headers: headers, safe: "invalid-url"}
	if p.client == nil {
		p.client = defaultHTTPClient()
	}
	u, err := url.Parse(rawURL)
	switch {
	case err != nil:
		// url.Error would quote the URL, so the cause is not kept.
		p.bad = errors.New("URL does not parse")
	case u.Scheme != "http" && u.Scheme != "https":
		p.bad = fmt.Errorf("URL scheme %q is not http or https", u.Scheme)
	case u.Host == "":
		p.bad = errors.New("URL has no host")
	default:
		p.safe = u.Scheme + "://" + u.Host
	}
	return p
}

// defaultHTTPClient times out on its own and does not follow redirects: a
// webhook that redirects is misconfigured, and following one would resend
// the body and custom headers (which may hold tokens) to another place.
func defaultHTTPClient() *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// post sends body. A 2xx answer is success; 429, 5xx and network errors are
// retryable (with the receiver's Retry-After when it sent one); anything
// else is a permanentError carrying the status and the start of the body.
func (p *httpPoster) post(ctx context.Context, body []byte) error {
	if p.bad != nil {
		return &permanentError{fmt.Errorf("post to %s: %w", p.safe, p.bad)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		return &permanentError{fmt.Errorf("post to %s: cannot build request", p.safe)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "bulwark")
	for k, v := range p.headers {
		if strings.EqualFold(k, "Host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("post to %s: %s", p.safe, p.redact(transportCause(err)))
	}
	defer resp.Body.Close()
	return p.answer(resp)
}

// answer classifies a response and drains it so the connection is reused.
func (p *httpPoster) answer(resp *http.Response) error {
	head, _ := io.ReadAll(io.LimitReader(resp.Body, errorBodyLimit))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	code := resp.StatusCode
	if code >= 200 && code <= 299 {
		return nil
	}
	err := fmt.Errorf("post to %s: status %d: %q", p.safe, code, p.redact(validPrefix(head)))
	if code != http.StatusTooManyRequests && code < 500 {
		return &permanentError{err}
	}
	if d, ok := retryafter.Parse(resp.Header.Get("Retry-After"), time.Now()); ok {
		return &retryAfterError{err: err, after: d}
	}
	return err
}

// transportCause drops the *url.Error wrapper, whose text holds the full
// URL, and keeps its cause.
func transportCause(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// redact removes the URL, its secret parts and the header values from s, in
// case a cause or a receiver echoes them.
func (p *httpPoster) redact(s string) string {
	u, err := url.Parse(p.url)
	if err != nil {
		return strings.ReplaceAll(s, p.url, "[redacted]")
	}
	for _, secret := range []string{p.url, u.RawQuery, u.EscapedPath(), u.Path, u.User.String()} {
		if len(secret) > 1 {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	for _, v := range p.headers { // header values are tokens as often as not
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
		for _, word := range strings.Fields(v) { // the token of "Bearer <token>"
			if len(word) >= 8 {
				s = strings.ReplaceAll(s, word, "[redacted]")
			}
		}
	}
	return s
}

// validPrefix returns b as valid UTF-8: the cut at errorBodyLimit may split
// a character, and a body need not be text at all.
func validPrefix(b []byte) string {
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
