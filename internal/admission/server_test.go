package admission

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
)

// TestServeTLS: the webhook over TLS with a generated CA, verified by a
// client that trusts only that CA (as the API server does with the
// caBundle); TLS 1.1 is refused; cancelling the context stops it cleanly.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	g, err := GenerateCerts(dir, []string{"bulwark-admission.bulwark.svc", "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	certs, err := NewCertSource(g.CertFile, g.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, ln, New(Options{Engine: testEngine(t, ""), Logger: discard()}), certs, Timeouts{}, discard())
	}()

	client := caClient(t, g.CAFile, 0)
	body := reviewBody(t, request(admissionv1.Create, "Pod", privilegedPod))
	resp, err := client.Post("https://"+ln.Addr().String()+"/validate?timeout=3s", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var ar admissionv1.AdmissionReview
	err = json.NewDecoder(resp.Body).Decode(&ar)
	resp.Body.Close()
	if err != nil || ar.Response == nil || ar.Response.Allowed {
		t.Fatalf("review over TLS: %v %+v", err, ar.Response)
	}
	if _, err := caClient(t, g.CAFile, tls.VersionTLS11).Get("https://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Error("a TLS 1.1 client was served")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
}

// caClient trusts only the CA in file; maxVersion 0 means no cap.
func caClient(t *testing.T, file string, maxVersion uint16) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("no CA in " + file)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: maxVersion, MinVersion: tls.VersionTLS10}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}
