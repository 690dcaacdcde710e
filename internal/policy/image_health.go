package policy

import (
	"errors"
	"fmt"
	"time"
)

// ImageHealthConfig names the source of image verdicts: `bulwark serve`'s
// API when Server is set, else the verdicts `bulwark image` caches on
// disk. It is data only: the caller (cmd) builds the client from it, so
// that the engine does no I/O. Relative paths are relative to the
// configuration file.
type ImageHealthConfig struct {
	// Server is the base URL of `bulwark serve` ("https://bulwark.example.com").
	Server string `json:"server,omitempty"`
	// TokenFile holds a reader token for Server.
	TokenFile string `json:"tokenFile,omitempty"`
	// CAFile holds the PEM certificates that Server's certificate chains
	// to, beside the system's.
	CAFile string `json:"caFile,omitempty"`
	// VerdictDir is where `bulwark image` wrote its verdicts (default
	// $BULWARK_VERDICT_DIR, else bulwark/verdicts in the user's cache).
	VerdictDir string `json:"verdictDir,omitempty"`
	// Timeout bounds one question to Server ("1s", the default), well
	// under the webhook's 3 s, so that an unreachable server ends in the
	// configured failure mode rather than a timed-out webhook.
	Timeout string `json:"timeout,omitempty"`
	// CacheTTL is how long an answer of Server is reused ("30s", the
	// default; "0s" asks every time).
	CacheTTL string `json:"cacheTTL,omitempty"`
}

// The defaults of ImageHealthConfig's durations.
const (
	DefaultImageHealthTimeout  = time.Second
	DefaultImageHealthCacheTTL = 30 * time.Second
)

// Durations returns Timeout and CacheTTL, their defaults where unset.
func (c *ImageHealthConfig) Durations() (timeout, cacheTTL time.Duration, err error) {
	timeout, cacheTTL = DefaultImageHealthTimeout, DefaultImageHealthCacheTTL
	if c.Timeout != "" {
		if timeout, err = time.ParseDuration(c.Timeout); err != nil || timeout <= 0 {
			return 0, 0, fmt.Errorf("imageHealth.timeout %q: want a positive duration such as 1s", c.Timeout)
		}
	}
	if c.CacheTTL != "" {
		if cacheTTL, err = time.ParseDuration(c.CacheTTL); err != nil || cacheTTL < 0 {
			return 0, 0, fmt.Errorf("imageHealth.cacheTTL %q: want a duration such as 30s (0s: no cache)", c.CacheTTL)
		}
	}
	return timeout, cacheTTL, nil
}

// Validate checks what can be checked without I/O: the durations, a
// server with its token, and one source only.
func (c *ImageHealthConfig) Validate() error {
	if _, _, err := c.Durations(); err != nil {
		return err
	}
	switch {
	case c.Server != "" && c.VerdictDir != "":
		return errors.New("imageHealth: set server or verdictDir, not both")
	case c.Server != "" && c.TokenFile == "":
		return errors.New("imageHealth.server needs imageHealth.tokenFile (a reader token)")
	case c.Server == "" && (c.TokenFile != "" || c.CAFile != ""):
		return errors.New("imageHealth.tokenFile and caFile go with imageHealth.server")
	}
	return nil
}

// PSSConfig mirrors the pod-security.kubernetes.io namespace labels.
type PSSConfig struct {
	Version string `json:"version,omitempty"`
	// Enforce, Warn and Audit each name a level ("baseline",
	// "restricted") or are empty ("privileged": no rules).
	Enforce string `json:"enforce,omitempty"`
	Warn    string `json:"warn,omitempty"`
	Audit   string `json:"audit,omitempty"`
}

// RuleConfig overrides one rule's defaults.
type RuleConfig struct {
	Effect Effect         `json:"effect,omitempty"`
	Params map[string]any `json:"params,omitempty"`
	Scope  *Scope         `json:"scope,omitempty"`
}
