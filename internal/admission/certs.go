package admission

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"
)

// GeneratedCerts are the files GenerateCerts keeps in its directory.
type GeneratedCerts struct {
	// CAFile is the CA bundle the webhook configuration's caBundle holds.
	CAFile string
	// CertFile and KeyFile are the serving certificate and its key.
	CertFile, KeyFile string
}

// Certificate lifetimes. The serving certificate is renewed at start when
// it has less than renewBefore left or lacks a requested name; the CA
// stays, so the caBundle installed in the cluster stays valid.
const (
	caLifetime   = 10 * 365 * 24 * time.Hour
	certLifetime = 365 * 24 * time.Hour
	renewBefore  = 30 * 24 * time.Hour
)

// GenerateCerts makes (or reuses) a CA and a serving certificate for sans
// (DNS names and IP addresses) in dir: ca.crt, ca.key, tls.crt, tls.key,
// keys readable by the owner only.
func GenerateCerts(dir string, sans []string) (GeneratedCerts, error) {
	g := GeneratedCerts{CAFile: filepath.Join(dir, "ca.crt"), CertFile: filepath.Join(dir, "tls.crt"), KeyFile: filepath.Join(dir, "tls.key")}
	if len(sans) == 0 {
		return g, errors.New("generate certificate: no names to issue it for")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return g, fmt.Errorf("certificate directory: %w", err)
	}
	ca, caKey, err := loadOrMakeCA(dir)
	if err != nil {
		return g, err
	}
	if servingCertValid(g.CertFile, ca, sans) {
		return g, nil
	}
	return g, makeServingCert(g, ca, caKey, sans)
}

func loadOrMakeCA(dir string) (*x509.Certificate, crypto.Signer, error) {
	certFile, keyFile := filepath.Join(dir, "ca.crt"), filepath.Join(dir, "ca.key")
	if ca, err := readCert(certFile); err == nil && time.Until(ca.NotAfter) > certLifetime {
		if key, err := readKey(keyFile); err == nil {
			return ca, key, nil
		}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: "bulwark-admission-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(caLifetime),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, BasicConstraintsValid: true, IsCA: true, MaxPathLenZero: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("generate CA: %w", err)
	}
	if err := writePair(certFile, keyFile, der, key); err != nil {
		return nil, nil, err
	}
	ca, err := x509.ParseCertificate(der)
	return ca, key, err
}

func makeServingCert(g GeneratedCerts, ca *x509.Certificate, caKey crypto.Signer, sans []string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: sans[0]},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(certLifetime),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, s := range sans {
		if ip := net.ParseIP(s); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, s)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return fmt.Errorf("generate serving certificate: %w", err)
	}
	return writePair(g.CertFile, g.KeyFile, der, key)
}

// servingCertValid reports whether the certificate in file chains to ca,
// names every san and has time left.
func servingCertValid(file string, ca *x509.Certificate, sans []string) bool {
	cert, err := readCert(file)
	if err != nil || time.Until(cert.NotAfter) < renewBefore || cert.CheckSignatureFrom(ca) != nil {
		return false
	}
	for _, s := range sans {
		if cert.VerifyHostname(s) != nil {
			return false
		}
	}
	return true
}
