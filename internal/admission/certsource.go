package admission

import (
	"crypto/tls"
	"fmt"
	"os"
	"sync"
	"time"
)

// CertSource serves a certificate and key from files and reads them again
// when they change, so that a certificate renewed in place (cert-manager
// updating a mounted Secret) is served without a restart.
type CertSource struct {
	certFile, keyFile string
	// recheck bounds how often the files' modification times are looked at.
	recheck time.Duration

	mu      sync.Mutex
	cert    *tls.Certificate
	modTime time.Time
	checked time.Time
}

// NewCertSource loads the pair; an error names what is wrong with it.
func NewCertSource(certFile, keyFile string) (*CertSource, error) {
	s := &CertSource{certFile: certFile, keyFile: keyFile, recheck: 10 * time.Second}
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *CertSource) load() error {
	mt, err := s.newest()
	if err != nil {
		return err
	}
	c, err := tls.LoadX509KeyPair(s.certFile, s.keyFile)
	if err != nil {
		return fmt.Errorf("tls certificate %s with key %s: %w", s.certFile, s.keyFile, err)
	}
	s.cert, s.modTime = &c, mt
	return nil
}

func (s *CertSource) newest() (time.Time, error) {
	var t time.Time
	for _, f := range []string{s.certFile, s.keyFile} {
		fi, err := os.Stat(f)
		if err != nil {
			return t, fmt.Errorf("tls: %w", err)
		}
		if fi.ModTime().After(t) {
			t = fi.ModTime()
		}
	}
	return t, nil
}

// GetCertificate is tls.Config's hook. A pair that fails to load while
// being replaced (key written, certificate not yet) keeps the old one in
// service until the next check.
func (s *CertSource) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now := time.Now(); now.Sub(s.checked) >= s.recheck {
		s.checked = now
		if mt, err := s.newest(); err == nil && !mt.Equal(s.modTime) {
			s.load() // on error the old pair stays
		}
	}
	return s.cert, nil
}
