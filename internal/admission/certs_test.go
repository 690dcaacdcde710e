package admission

import (
	"bytes"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestGenerateCerts: the serving certificate chains to the CA and names
// every SAN; a second start reuses both; new names get a new serving
// certificate from the same CA, so an installed caBundle stays valid.
func TestGenerateCerts(t *testing.T) {
	dir := t.TempDir()
	sans := []string{"bulwark-admission.bulwark.svc", "localhost", "127.0.0.1"}
	g, err := GenerateCerts(dir, sans)
	if err != nil {
		t.Fatal(err)
	}
	verify(t, g, sans...)
	for _, f := range []string{"ca.key", "tls.key"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want mode 0600", f, fi.Mode(), err)
		}
	}
	ca1, cert1 := read(t, g.CAFile), read(t, g.CertFile)
	if _, err := GenerateCerts(dir, sans[:2]); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(read(t, g.CAFile), ca1) || !bytes.Equal(read(t, g.CertFile), cert1) {
		t.Error("a second start with names the certificate has replaced it")
	}
	if _, err := GenerateCerts(dir, append(sans, "webhook.example.com")); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(read(t, g.CAFile), ca1) || bytes.Equal(read(t, g.CertFile), cert1) {
		t.Error("a new name should renew the serving certificate and keep the CA")
	}
	verify(t, g, "webhook.example.com", "127.0.0.1")
	if _, err := GenerateCerts(t.TempDir(), nil); err == nil {
		t.Error("no names accepted")
	}
}

func verify(t *testing.T, g GeneratedCerts, names ...string) {
	t.Helper()
	ca, err := readCert(g.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := readCert(g.CertFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	for _, n := range names {
		if _, err := cert.Verify(x509.VerifyOptions{DNSName: n, Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if left := time.Until(cert.NotAfter); left < 300*24*time.Hour {
		t.Errorf("serving certificate valid for only %v", left)
	}
}

func read(t *testing.T, f string) []byte {
	t.Helper()
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCertSourceReload: a pair replaced in place is served after the next
// check; a half-written pair keeps the old one in service.
func TestCertSourceReload(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	ga, err := GenerateCerts(a, []string{"localhost"})
	if err != nil {
		t.Fatal(err)
	}
	gb, err := GenerateCerts(b, []string{"localhost"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewCertSource(ga.CertFile, ga.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	s.recheck = 0
	first, _ := s.GetCertificate(nil)
	later := time.Now().Add(time.Minute)
	os.WriteFile(ga.KeyFile, read(t, gb.KeyFile), 0o600) // key replaced, certificate not yet
	os.Chtimes(ga.KeyFile, later, later)
	if c, _ := s.GetCertificate(nil); !bytes.Equal(c.Certificate[0], first.Certificate[0]) {
		t.Error("a mismatched pair replaced the served certificate")
	}
	os.WriteFile(ga.CertFile, read(t, gb.CertFile), 0o644)
	os.Chtimes(ga.CertFile, later, later)
	c, _ := s.GetCertificate(nil)
	want, _ := readCert(gb.CertFile)
	if !bytes.Equal(c.Certificate[0], want.Raw) {
		t.Error("the renewed certificate is not served")
	}
	if _, err := NewCertSource(filepath.Join(a, "none.crt"), ga.KeyFile); err == nil {
		t.Error("a missing certificate was accepted")
	}
}
