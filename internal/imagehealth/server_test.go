package imagehealth

import (
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/policy"
)

const testToken = "bwk_test-token-never-to-be-shown"

// tlsServer is a real HTTPS server answering with h, and a CA file that
// trusts its certificate.
func tlsServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, string) {
	t.Helper()
	hs := httptest.NewTLSServer(h)
	t.Cleanup(hs.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hs.Certificate().Raw})
	if err := os.WriteFile(ca, block, 0o600); err != nil {
		t.Fatal(err)
	}
	return hs, ca
}

func newTestServer(t *testing.T, url, ca string, timeout time.Duration) *Server {
	t.Helper()
	s, err := NewServer(ServerOptions{URL: url, Token: testToken, CAFile: ca, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestServerAnswers: the token is sent, the reference goes as asked, and
// each kind of answer maps to its verdict.
func TestServerAnswers(t *testing.T) {
	const dg = "sha256:5555555555555555555555555555555555555555555555555555555555555555"
	hs, ca := tlsServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/image-health" || r.Header.Get("Authorization") != "Bearer "+testToken {
			http.Error(w, `{"error":"unknown or revoked API token"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Query().Get("ref") {
		case "registry.example.com:5000/shop/api:1.4":
			w.Write([]byte(`{"ref":"registry.example.com:5000/shop/api:1.4","found":true,"scanned":true,"healthy":false,"digest":"` + dg + `","scannedAt":"2025-03-04T05:06:07Z","counts":{"critical":1,"high":2,"medium":0,"low":4,"informational":0,"unknown":0}}`))
		case "shop/ok@" + dg:
			w.Write([]byte(`{"found":true,"scanned":true,"healthy":true,"digest":"` + dg + `","counts":{}}`))
		case "shop/new:1":
			w.Write([]byte(`{"found":true,"scanned":false,"healthy":false,"digest":"` + dg + `","scannedAt":null,"counts":{}}`))
		default:
			w.Write([]byte(`{"found":false,"scanned":false,"healthy":false,"digest":"","scannedAt":null,"counts":{}}`))
		}
	})
	s := newTestServer(t, hs.URL, ca, 0)
	cases := map[string]policy.ImageVerdict{
		"registry.example.com:5000/shop/api:1.4": {Scanned: true, Healthy: false, Digest: dg, Summary: "1 critical, 2 high, 4 low findings"},
		"shop/ok@" + dg:                          {Scanned: true, Healthy: true, Digest: dg, Summary: "no findings"},
		"shop/new:1":                             {Digest: dg},
		"nginx":                                  {},
	}
	for ref, want := range cases {
		got, err := s.Health(context.Background(), ref)
		if err != nil || got != want {
			t.Errorf("Health(%s) = %+v, %v; want %+v", ref, got, err, want)
		}
	}
	wrong := newTestServer(t, hs.URL, ca, 0)
	wrong.token = "bwk_wrong"
	if _, err := wrong.Health(context.Background(), "nginx"); err == nil || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "bwk_wrong") {
		t.Errorf("a refused token: %v, want a 401 error without the token", err)
	}
}

// TestServerFailures: a server that stalls ends in an error within the
// timeout, never a hang; a 500, a bad answer, an untrusted certificate
// and a closed port are errors too, and none names the token.
func TestServerFailures(t *testing.T) {
	release := make(chan struct{})
	slow, ca := tlsServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	const timeout = 300 * time.Millisecond
	start := time.Now()
	_, err := newTestServer(t, slow.URL, ca, timeout).Health(context.Background(), "nginx")
	if took := time.Since(start); err == nil || took > timeout+700*time.Millisecond {
		t.Fatalf("a stalled server: %v after %v, want an error within about %v", err, took, timeout)
	}
	if !strings.Contains(err.Error(), "no answer within 300ms") {
		t.Errorf("timeout error %q does not say so", err)
	}
	failing, ca500 := tlsServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"internal error; see the server log"}`, http.StatusInternalServerError)
	})
	garbled, caGarbled := tlsServer(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>")) })
	closed, caClosed := tlsServer(t, nil)
	closed.Close()
	cases := []struct {
		name, url, ca, mention string
	}{
		{"500", failing.URL, ca500, "500"},
		{"not JSON", garbled.URL, caGarbled, "answer"},
		{"untrusted certificate", failing.URL, "", "certificate"},
		{"closed port", closed.URL, caClosed, "refused"},
	}
	for _, c := range cases {
		_, err := newTestServer(t, c.url, c.ca, time.Second).Health(context.Background(), "nginx")
		if err == nil || !strings.Contains(err.Error(), c.mention) || strings.Contains(err.Error(), testToken) {
			t.Errorf("%s: %v, want an error mentioning %q without the token", c.name, err, c.mention)
		}
	}
}

// TestServerOptions: plain http only to loopback, no credentials in the
// URL, a CA file must hold a certificate.
func TestServerOptions(t *testing.T) {
	pemless := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(pemless, []byte("not a certificate"), 0o600)
	bad := map[string]ServerOptions{
		"http beyond loopback": {URL: "http://bulwark.example.com", Token: testToken},
		"credentials in URL":   {URL: "https://u:p@bulwark.example.com", Token: testToken},
		"no scheme":            {URL: "bulwark.example.com", Token: testToken},
		"no token":             {URL: "https://bulwark.example.com"},
		"CA file without PEM":  {URL: "https://bulwark.example.com", Token: testToken, CAFile: pemless},
	}
	for name, o := range bad {
		if _, err := NewServer(o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "https://bulwark.example.com/"} {
		if _, err := NewServer(ServerOptions{URL: u, Token: testToken}); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}
