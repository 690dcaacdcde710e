package policy_test

import (
	"context"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/policy"
	"github.com/bulwarksec/bulwark/internal/policy/builtin"
)

// TestImageRulesNeedASource: enabling an image-gating rule without an
// image-health source is refused at New with a message saying what to
// configure; with one, or with the rules left disabled, New succeeds.
func TestImageRulesNeedASource(t *testing.T) {
	for _, id := range []string{"k8s.imageUnhealthy", "k8s.imageNotScanned"} {
		cfg := policy.DefaultConfig()
		cfg.Rules = map[string]policy.RuleConfig{id: {Effect: policy.EffectWarn}}
		_, err := policy.New(builtin.Rules(), cfg, policy.Options{})
		if err == nil || !strings.Contains(err.Error(), id) || !strings.Contains(err.Error(), "imageHealth") {
			t.Errorf("%s enabled without a source: %v", id, err)
		}
		if _, err := policy.New(builtin.Rules(), cfg, policy.Options{Images: never{}}); err != nil {
			t.Errorf("%s enabled with a source: %v", id, err)
		}
	}
	if _, err := policy.New(builtin.Rules(), policy.DefaultConfig(), policy.Options{}); err != nil {
		t.Errorf("defaults (image rules disabled) without a source: %v", err)
	}
}

type never struct{}

func (never) Health(context.Context, string) (policy.ImageVerdict, error) {
	return policy.ImageVerdict{}, nil
}

// TestImageHealthConfig: the section reads from YAML and is checked
// without I/O.
func TestImageHealthConfig(t *testing.T) {
	cfg, err := policy.ReadConfig(strings.NewReader("imageHealth:\n  server: https://bulwark.example.com\n  tokenFile: token\n  timeout: 500ms\n"))
	if err != nil {
		t.Fatal(err)
	}
	timeout, ttl, err := cfg.ImageHealth.Durations()
	if err != nil || timeout.String() != "500ms" || ttl != policy.DefaultImageHealthCacheTTL {
		t.Fatalf("durations %v %v %v", timeout, ttl, err)
	}
	bad := map[string]string{
		"imageHealth: {server: https://x.example}":                              "tokenFile",
		"imageHealth: {server: https://x.example, tokenFile: t, verdictDir: d}": "not both",
		"imageHealth: {tokenFile: t}":                                           "go with",
		"imageHealth: {timeout: soon}":                                          "timeout",
		"imageHealth: {timeout: 0s}":                                            "timeout",
		"imageHealth: {cacheTTL: -1s}":                                          "cacheTTL",
		"imageHealth: {sever: https://x.example}":                               "sever",
	}
	for in, want := range bad {
		if _, err := policy.ReadConfig(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error naming %q", in, err, want)
		}
	}
}
