package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"sigs.k8s.io/yaml"

	"github.com/bulwarksec/bulwark/internal/admission"
)

// TestAdmissionInstallPrints: the printed configuration registers exactly
// the resources of the kinds the configured engine reads, with the CA
// given. (The whole YAML is checked by internal/admission's golden files.)
func TestAdmissionInstallPrints(t *testing.T) {
	ca, err := filepath.Abs("../../internal/admission/testdata/ca.crt")
	if err != nil {
		t.Fatal(err)
	}
	r := bulwark(t, t.TempDir(), "admission", "install", "--ca-file", ca)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var vwc admissionregistrationv1.ValidatingWebhookConfiguration
	if err := yaml.UnmarshalStrict([]byte(r.stdout), &vwc); err != nil {
		t.Fatal(err)
	}
	engine, err := policyEngine("", "")
	if err != nil {
		t.Fatal(err)
	}
	want, err := admission.Rules(engine.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	pem, _ := os.ReadFile(ca)
	if len(vwc.Webhooks) != 1 || !reflect.DeepEqual(vwc.Webhooks[0].Rules, want) || string(vwc.Webhooks[0].ClientConfig.CABundle) != string(pem) {
		t.Errorf("printed configuration:\n%s", r.stdout)
	}
}

func TestAdmissionUsage(t *testing.T) {
	dir := t.TempDir()
	ca, _ := filepath.Abs("../../internal/admission/testdata/ca.crt")
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	unknownRule := write("unknown.yaml", "rules: {k8s.noSuchRule: {effect: deny}}\n")
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"bad failure policy", []string{"admission", "install", "--ca-file", ca, "--failure-policy", "Sometimes"}, 2, `--failure-policy "Sometimes"`},
		{"url and service", []string{"admission", "install", "--ca-file", ca, "--url", "https://h/v", "--service", "s"}, 2, "exclude each other"},
		{"plain http url", []string{"admission", "install", "--ca-file", ca, "--url", "http://h/v"}, 2, "want https://"},
		{"no CA", []string{"admission", "install", "--cert-dir", filepath.Join(dir, "none")}, 2, "no CA bundle"},
		{"not a CA file", []string{"admission", "install", "--ca-file", unknownRule}, 1, "no PEM certificate"},
		{"unknown rule in config", []string{"admission", "install", "--ca-file", ca, "--config", unknownRule}, 1, "unknown rule k8s.noSuchRule"},
		{"cert without key", []string{"admission", "serve", "--tls-cert", ca}, 2, "--tls-cert and --tls-key go together"},
		{"log format", []string{"admission", "serve", "--log-format", "xml"}, 2, `--log-format "xml"`},
		{"bad pss version", []string{"admission", "serve", "--pss-version", "2.0", "--cert-dir", dir}, 2, "--pss-version"},
		{"serve config error", []string{"admission", "serve", "--config", unknownRule, "--cert-dir", dir}, 1, "unknown rule"},
		{"unknown admission command", []string{"admission", "mutate"}, 2, `unknown command "mutate" for "bulwark admission"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := bulwark(t, dir, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want %d with %q", r.code, r.stderr, tc.code, tc.stderr)
			}
		})
	}
}
