package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/server"
	"github.com/bulwarksec/bulwark/internal/testbed"
)

// TestServeTLS: with --tls-cert/--tls-key the server speaks TLS with that
// certificate; listening beyond loopback without them, it serves TLS with
// a self-signed certificate of its own rather than plain HTTP.
func TestServeTLS(t *testing.T) {
	testbed.Heavy(t)
	certDir := t.TempDir()
	cert, key, _, err := server.SelfSignedCert(certDir, []string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	pem, _ := os.ReadFile(cert)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	verifying := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	insecure := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}

	cases := []struct {
		name   string
		listen string
		args   []string
		client *http.Client
	}{
		{"certificate from files", "127.0.0.1:%d", []string{"--tls-cert", cert, "--tls-key", key}, verifying},
		{"beyond loopback, self-signed", "0.0.0.0:%d", nil, insecure},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			port := freePort(t)
			args := append([]string{"serve", "--offline", "--data-dir", t.TempDir(), "--listen", fmt.Sprintf(c.listen, port)}, c.args...)
			cmd := exec.Command(bulwark(t), args...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
			url := fmt.Sprintf("https://127.0.0.1:%d/healthz", port)
			var resp *http.Response
			for i := 0; i < 100; i++ {
				if resp, err = c.client.Get(url); err == nil {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if err != nil {
				t.Fatalf("https: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.TLS == nil {
				t.Fatalf("https healthz: %d", resp.StatusCode)
			}
			if r, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/healthz", port)); err == nil {
				if r.StatusCode == 200 {
					t.Error("plain HTTP answered 200 on a TLS listener")
				}
				r.Body.Close()
			}
		})
	}

}
