package policy

import (
	"reflect"
	"strings"
	"testing"
)

// TestReadConfig checks that a configuration keeps the defaults it does
// not set, and refuses unknown fields anywhere in it.
func TestReadConfig(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     func(*Config)
	}{
		{"empty", "", func(*Config) {}},
		{"only a comment", "# nothing set\n", func(*Config) {}},
		{"one PSS level", "pss: {enforce: restricted}", func(c *Config) { c.PSS.Enforce = "restricted" }},
		{"scope namespaces keep the excluded default", "scope: {namespaces: [shop]}", func(c *Config) { c.Scope.Namespaces = []string{"shop"} }},
		{"rules and custom rules", `
rules:
  k8s.noPrivilege: {effect: warn, params: {max: 3, images: [a]}, scope: {excludedContainers: [istio-proxy]}}
customRules: [rules/, extra.yaml]
onError: allow`, func(c *Config) {
			c.Rules = map[string]RuleConfig{"k8s.noPrivilege": {Effect: EffectWarn,
				Params: map[string]any{"max": 3.0, "images": []any{"a"}}, Scope: &Scope{ExcludedContainers: []string{"istio-proxy"}}}}
			c.CustomRules = []string{"rules/", "extra.yaml"}
			c.OnError = "allow"
		}},
		{"JSON", `{"pss":{"version":"v1.30"}}`, func(c *Config) { c.PSS.Version = "v1.30" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ReadConfig(strings.NewReader(c.in))
			if err != nil {
				t.Fatal(err)
			}
			want := DefaultConfig()
			c.want(want)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("config %+v, want %+v", got, want)
			}
		})
	}
}

func TestReadConfigRefuses(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"rule: {}", `unknown field "rule"`},
		{"pss: {enforced: baseline}", `unknown field "enforced"`},
		{"rules: {k8s.x: {effct: warn}}", `unknown field "effct"`},
		{"scope: {excludedNamespace: [a]}", `unknown field "excludedNamespace"`},
		{"onError: ignore", `onError "ignore"`},
		{"pss: [baseline]", "cannot unmarshal array"},
		{"pss: {enforce: baseline}\npss: {warn: baseline}", "already set"},
		{"# " + strings.Repeat("x", maxConfig), "larger than"},
	} {
		if _, err := ReadConfig(strings.NewReader(c.in)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%.40q: error %v, want %q", c.in, err, c.want)
		}
	}
}
