package server

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runServer runs a whole server (listener limits, timeouts, workers) on
// loopback and returns its address.
func runServer(t *testing.T, limits Limits, cert, key string) string {
	t.Helper()
	opts, _ := baseOptions(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	opts.Limits, opts.Workers, opts.ListenAddr, opts.Logger = limits, 1, ln.Addr().String(), slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := New(opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { srv.Run(ctx, ln, cert, key); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String()
}

// TestSlowClients: hundreds of connections that send a body a byte at a
// time, from one address, neither exhaust the process's file descriptors
// nor keep the server from answering others, and each is cut once its
// read deadline passes.
func TestSlowClients(t *testing.T) {
	addr := runServer(t, Limits{MaxConnsPerIP: 50, ReadTimeout: 2 * time.Second}, "", "")
	// Leave room for only 400 more descriptors in this process (client
	// and server ends both count): without the limits 300 slow clients
	// take 600.
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	fds, _ := os.ReadDir("/proc/self/fd")
	tight := lim
	tight.Cur = uint64(len(fds) + 400)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &tight); err != nil {
		t.Fatal(err)
	}
	defer syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)

	attacker := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, Timeout: time.Second}
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < 300; i++ {
		c, err := attacker.Dial("tcp", addr)
		if err != nil {
			break
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "POST /api/v1/events/distribution HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{")
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() { // a byte every half second on each
		for {
			select {
			case <-stop:
				return
			case <-time.After(500 * time.Millisecond):
				for _, c := range conns {
					c.Write([]byte(" "))
				}
			}
		}
	}()
	client := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for i := 0; i < 3; i++ {
		resp, err := client.Get("http://" + addr + "/healthz")
		if err != nil {
			t.Fatalf("/healthz while 300 slow clients are connected: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("/healthz while 300 slow clients are connected: %d", resp.StatusCode)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// The slow ones the server took are cut after the read deadline.
	if len(conns) == 0 {
		t.Fatal("no slow client connected")
	}
	c := conns[0]
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err == nil {
		resp.Body.Close()
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("a slow client still held its connection after %v", time.Since(start))
	}
}

// TestTLSServing: the self-signed certificate names the listen address
// and the base URL's host (so clients can pin it), TLS 1.2 is offered with
// AEAD suites only, and answers carry HSTS and nosniff.
func TestTLSServing(t *testing.T) {
	dir := t.TempDir()
	cert, _, _, err := SelfSignedCert(dir, []string{"127.0.0.1", "bulwark.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	pemBytes, _ := os.ReadFile(cert)
	blk, _ := pem.Decode(pemBytes)
	parsed, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"127.0.0.1", "bulwark.example.com"} {
		if err := parsed.VerifyHostname(h); err != nil {
			t.Errorf("certificate does not name %s: %v", h, err)
		}
	}
	// A changed base URL gets a certificate naming it.
	cert2, _, _, err := SelfSignedCert(dir, []string{"127.0.0.1", "other.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	pem2, _ := os.ReadFile(cert2)
	blk2, _ := pem.Decode(pem2)
	if parsed2, _ := x509.ParseCertificate(blk2.Bytes); parsed2 == nil || parsed2.VerifyHostname("other.example.com") != nil {
		t.Error("a certificate for another base URL host was not made")
	}
	cert, key, _, _ := SelfSignedCert(dir, []string{"127.0.0.1"})
	addr := runServer(t, Limits{}, cert, key)
	pemBytes, _ = os.ReadFile(cert)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemBytes)
	pinned := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := pinned.Get("https://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("a client pinning the certificate: %v", err)
	}
	resp.Body.Close()
	if resp.Header.Get("Strict-Transport-Security") == "" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("TLS answer headers: HSTS %q, nosniff %q", resp.Header.Get("Strict-Transport-Security"), resp.Header.Get("X-Content-Type-Options"))
	}
	cbc := &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256}}
	if c, err := tls.Dial("tcp", addr, cbc); err == nil {
		c.Close()
		t.Error("a TLS 1.2 client offering only CBC suites was served")
	}
	old := &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS11}
	if c, err := tls.Dial("tcp", addr, old); err == nil {
		c.Close()
		t.Error("a TLS 1.1 client was served")
	}
}

// TestAnswersLeakNothing: /readyz names no paths, API answers are not
// sniffed, and a body over its limit is 413 on every endpoint.
func TestAnswersLeakNothing(t *testing.T) {
	f := newFixture(t)
	code, body := f.do("", "GET", "/readyz", "")
	if code != 503 || strings.Contains(body, f.dir) || strings.Contains(body, "/") {
		t.Errorf("/readyz without data: %d %s (must name no path)", code, body)
	}
	req, _ := http.NewRequest("GET", f.http.URL+"/api/v1/images", nil)
	req.Header.Set("Authorization", "Bearer "+f.admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("API answer without X-Content-Type-Options: nosniff")
	}
	big := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
	for _, path := range []string{"/api/v1/registries", "/api/v1/tokens", "/api/v1/alerts", "/api/v1/exemptions", "/api/v1/finding-rules"} {
		if code, body := f.do(f.admin, "POST", path, big); code != 413 {
			t.Errorf("POST %s with a 2 MiB body: %d %.100s, want 413", path, code, body)
		}
	}
}
