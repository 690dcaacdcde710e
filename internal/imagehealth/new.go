// Package imagehealth answers the image-gating policy rules: is this
// image healthy, was it ever scanned. The answer comes from `bulwark
// serve`'s API (Server), or from the verdicts `bulwark image` leaves on
// disk (Write, Disk); Cached keeps a server's answers for a while.
package imagehealth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// New builds the source a policy configuration's imageHealth section
// names: nil without one (the engine then refuses to enable the image
// rules); a cached Server when it names a server; else Disk on
// verdictDir, by default DefaultVerdictDir. Relative paths are taken
// from baseDir, the configuration file's folder. Commands call this one
// function, so the CLI and the admission webhook read the section alike.
func New(cfg *policy.ImageHealthConfig, baseDir string) (policy.ImageHealth, error) {
	if cfg == nil {
		return nil, nil
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	timeout, ttl, _ := cfg.Durations()
	if cfg.Server == "" {
		dir := DefaultVerdictDir()
		if cfg.VerdictDir != "" {
			dir = resolve(baseDir, cfg.VerdictDir)
		}
		if ttl == 0 {
			return NewDisk(dir), nil
		}
		// Verdicts on disk change only when `bulwark image` runs; reading
		// them once per TTL keeps file reads and reference parsing off
		// the webhook's path for every container of every review.
		return NewCached(NewDisk(dir), ttl, DefaultCacheSize), nil
	}
	token, err := readToken(resolve(baseDir, cfg.TokenFile))
	if err != nil {
		return nil, err
	}
	opts := ServerOptions{URL: cfg.Server, Token: token, Timeout: timeout}
	if cfg.CAFile != "" {
		opts.CAFile = resolve(baseDir, cfg.CAFile)
	}
	srv, err := NewServer(opts)
	switch {
	case err != nil:
		return nil, err
	case ttl == 0:
		return srv, nil
	}
	return NewCached(srv, ttl, DefaultCacheSize), nil
}

func resolve(baseDir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(baseDir, p)
}

// readToken reads a token file; the error names the file, never what is
// in it.
func readToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("imageHealth.tokenFile: %w", err)
	}
	t := strings.TrimSpace(string(b))
	if t == "" || strings.ContainsAny(t, " \t\r\n") {
		return "", errors.New("imageHealth.tokenFile " + path + ": want one token")
	}
	return t, nil
}
