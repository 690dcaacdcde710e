package policy

import (
	"bytes"
	"fmt"
	"io"

	"sigs.k8s.io/yaml"
)

// Config is a policy configuration: which rules run, with which effect,
// parameters and scope. It is read from one YAML file; the rules' text is
// never edited to change these.
type Config struct {
	// PSS sets the Pod Security Standards version and which level's rules
	// enforce, warn and audit, as the namespace labels of Pod Security
	// Admission do.
	PSS PSSConfig `json:"pss"`
	// Scope is the default scope of every rule.
	Scope Scope `json:"scope"`
	// Rules holds per-rule settings by rule ID.
	Rules map[string]RuleConfig `json:"rules,omitempty"`
	// CustomRules are files or folders of custom CEL rules, relative to
	// the configuration file.
	CustomRules []string `json:"customRules,omitempty"`
	// OnError says what a rule that could not be evaluated does at
	// admission: "deny" (fail closed, the default) or "allow".
	OnError string `json:"onError,omitempty"`
	// ImageHealth says where the image-gating rules (k8s.imageUnhealthy,
	// k8s.imageNotScanned) learn an image's health; without it those
	// rules cannot be enabled.
	ImageHealth *ImageHealthConfig `json:"imageHealth,omitempty"`
}

// DefaultConfig returns the configuration used when none is given: Pod
// Security Standards baseline warns and restricted audits (latest
// version), other rules run with their default effects, and kube-system
// is not covered.
func DefaultConfig() *Config {
	return &Config{
		PSS:     PSSConfig{Version: "latest", Warn: "baseline", Audit: "restricted"},
		Scope:   Scope{ExcludedNamespaces: []string{"kube-system"}},
		OnError: "deny",
	}
}

// maxConfig bounds a configuration file.
const maxConfig = 4 << 20

// ReadConfig reads a YAML (or JSON) configuration; fields it does not set
// keep DefaultConfig's values. Unknown fields are an error, so a typo does
// not silently leave a rule on.
func ReadConfig(r io.Reader) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxConfig+1))
	if err != nil {
		return nil, fmt.Errorf("read policy config: %w", err)
	}
	if len(data) > maxConfig {
		// Refused rather than cut: a cut file may still parse, with the
		// rules settings past the cut silently missing.
		return nil, fmt.Errorf("policy config is larger than %d bytes", maxConfig)
	}
	cfg := DefaultConfig()
	if len(bytes.TrimSpace(data)) == 0 {
		return cfg, nil
	}
	if err := yaml.UnmarshalStrict(data, cfg); err != nil {
		return nil, fmt.Errorf("policy config: %w", err)
	}
	if cfg.OnError != "deny" && cfg.OnError != "allow" {
		return nil, fmt.Errorf("policy config: onError %q: want deny or allow", cfg.OnError)
	}
	if cfg.ImageHealth != nil {
		if err := cfg.ImageHealth.Validate(); err != nil {
			return nil, fmt.Errorf("policy config: %w", err)
		}
	}
	return cfg, nil
}

// pssEffect returns the effect the PSS levels give a rule of level lvl:
// the strongest of enforce, warn and audit whose level includes it
// (restricted includes baseline, except a baseline rule that a restricted
// rule overrides at the configured version).
func (c PSSConfig) pssEffect(lvl string, overridden bool) Effect {
	includes := func(set string) bool {
		switch set {
		case "restricted":
			return lvl == "restricted" || !overridden
		case "baseline":
			return lvl == "baseline"
		}
		return false
	}
	switch {
	case includes(c.Enforce):
		return EffectDeny
	case includes(c.Warn):
		return EffectWarn
	case includes(c.Audit):
		return EffectAudit
	}
	return EffectDisabled
}

func (c PSSConfig) validate() error {
	for _, l := range []string{c.Enforce, c.Warn, c.Audit} {
		if l != "" && l != "privileged" && l != "baseline" && l != "restricted" {
			return fmt.Errorf("pss level %q: want privileged, baseline or restricted", l)
		}
	}
	return nil
}
