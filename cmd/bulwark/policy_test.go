package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/report"
)

// TestPolicyTest runs "bulwark policy test" as CI would and reads its
// JSON: a built-in rule with the file and line of each object, and a
// configuration's custom rules, loaded from a folder relative to the
// configuration file, with its parameters.
func TestPolicyTest(t *testing.T) {
	app, _ := filepath.Abs("testdata/policy/app.yaml")
	for _, tc := range []struct {
		config, rule string
		want         map[string]string
	}{
		{"enforce.yaml", "pss.privileged", map[string]string{
			"Deployment/shop/api":  "pass  line 2",
			"DaemonSet/shop/agent": "fail spec.template.spec.containers[0].securityContext.privileged line 14",
		}},
		{"custom.yaml", "acme.appLabel", map[string]string{
			"Deployment/shop/api":  "pass  line 2",
			"DaemonSet/shop/agent": "fail spec.template.metadata.labels line 14",
		}},
	} {
		t.Run(tc.config, func(t *testing.T) {
			got := policyResults(t, app, tc.config, tc.rule)
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s on %s: %q, want %q", tc.rule, k, got[k], v)
				}
			}
		})
	}
}

// policyResults runs policy test on app with a configuration of
// testdata/policy-config and returns rule's results by target name, as
// "status path line N".
func policyResults(t *testing.T, app, config, rule string) map[string]string {
	t.Helper()
	cfg, _ := filepath.Abs(filepath.Join("testdata/policy-config", config))
	r := bulwark(t, t.TempDir(), "policy", "test", "-f", "json", "--config", cfg, app)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var run report.Run
	if err := json.Unmarshal([]byte(r.stdout), &run); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range run.Findings {
		if f.RuleID != rule {
			continue
		}
		got[f.Target.Name] = string(f.Status) + " " + f.Location.JSONPath + " line " + strconv.Itoa(f.Location.Line)
		if f.Location.Path != app {
			t.Errorf("finding located in %q, want %q", f.Location.Path, app)
		}
	}
	return got
}

func TestPolicyTestExitCodes(t *testing.T) {
	app, _ := filepath.Abs("testdata/policy/app.yaml")
	cfg, _ := filepath.Abs("testdata/policy-config/enforce.yaml")
	dir := filepath.Dir(app)
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"failures without --fail-on", []string{app, "--config", cfg}, 0, ""},
		{"--fail-on a severity a failure reaches", []string{app, "--config", cfg, "--fail-on", "high"}, 1, ""},
		{"--fail-on with --exit-code", []string{app, "--config", cfg, "--fail-on", "medium", "--exit-code", "3"}, 3, ""},
		{"--exit-code alone", []string{dir, "--config", cfg, "--exit-code", "4"}, 4, ""},
		{"--fail-on above every failure", []string{app, "--fail-on", "critical"}, 0, ""},
		{"unknown format", []string{app, "-f", "cyclonedx"}, 2, "--format"},
		{"bad pss version", []string{app, "--pss-version", "2.0"}, 2, "--pss-version"},
		{"missing file", []string{"/nonexistent/x.yaml"}, 1, "/nonexistent/x.yaml"},
		{"config naming an unknown rule", []string{app, "--config", writeFile(t, "rules: {k8s.nope: {effect: deny}}")}, 1, "unknown rule k8s.nope"},
		{"config with a typo", []string{app, "--config", writeFile(t, "pss: {enforec: baseline}")}, 1, "enforec"},
		{"config with a broken custom rule", []string{app, "--config", writeConfigWithRules(t, "- {id: acme.x, title: X, severity: low, pods: true,\n   validations: [{expression: 'podSpec.nope('}]}\n")},
			1, "rules.yaml:2: rule acme.x: cel: ERROR"},
		{"document without a kind", []string{writeFile(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n---\nb: 2\n")}, 1, ":5: object has no apiVersion or kind"},
		{"malformed YAML", []string{writeFile(t, "kind: [\n")}, 1, ".yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := bulwark(t, t.TempDir(), append([]string{"policy", "test"}, tc.args...)...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, tc.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("stderr %q does not name %q", r.stderr, tc.stderr)
			}
		})
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "in.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeConfigWithRules writes a configuration whose custom rules are one
// file beside it, rules.yaml.
func writeConfigWithRules(t *testing.T, rules string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(rules), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(cfg, []byte("customRules: [rules.yaml]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}
