package admission

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/policy"
	"github.com/bulwarksec/bulwark/internal/policy/builtin"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// goldenKinds are the pod kinds and the other kinds the issue names.
var goldenKinds = append(policy.PodKinds(), "Service", "Ingress", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")

func TestWebhookConfigurationGolden(t *testing.T) {
	ca, err := os.ReadFile("testdata/ca.crt")
	if err != nil {
		t.Fatal(err)
	}
	service := DefaultInstallOptions()
	service.CABundle = ca
	url := service
	url.URL, url.FailurePolicy, url.ExcludedNamespaces = "https://127.0.0.1:8443/validate", "Ignore", []string{"kube-system", "kube-public", "bulwark"}
	for name, o := range map[string]InstallOptions{"install-service": service, "install-url": url} {
		t.Run(name, func(t *testing.T) {
			vwc, err := WebhookConfiguration(goldenKinds, o)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ConfigurationYAML(vwc)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", name+".golden"), got)
		})
	}
}

func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs (run with -update to accept):\n%s", file, got)
	}
}

// TestRulesFollowKinds: the rules name exactly the resources of the kinds
// given, and a kind without a known resource is refused, not dropped.
func TestRulesFollowKinds(t *testing.T) {
	rules, err := Rules([]string{"Pod", "Deployment"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rules {
		for _, res := range r.Resources {
			got = append(got, r.APIGroups[0]+"/"+r.APIVersions[0]+"/"+res)
		}
	}
	if want := []string{"/v1/pods", "/v1/pods/ephemeralcontainers", "apps/v1/deployments"}; !slices.Equal(got, want) {
		t.Errorf("resources %v, want %v", got, want)
	}
	if _, err := Rules([]string{"Pod", "Gateway"}); err == nil || !strings.Contains(err.Error(), "Gateway") {
		t.Errorf("unknown kind: %v", err)
	}
	for _, r := range builtin.Rules() { // every kind a built-in rule reads has a resource
		if _, err := Rules(r.Kinds); err != nil {
			t.Errorf("%s: %v", r.ID, err)
		}
	}
}

func TestWebhookConfigurationRefuses(t *testing.T) {
	ok := DefaultInstallOptions()
	ok.CABundle = []byte("-----BEGIN CERTIFICATE-----")
	for name, change := range map[string]func(*InstallOptions){
		"no CA":              func(o *InstallOptions) { o.CABundle = nil },
		"http URL":           func(o *InstallOptions) { o.URL = "http://127.0.0.1/validate" },
		"URL with query":     func(o *InstallOptions) { o.URL = "https://h/validate?x=1" },
		"failure policy":     func(o *InstallOptions) { o.FailurePolicy = "Allow" },
		"timeout too long":   func(o *InstallOptions) { o.TimeoutSeconds = 31 },
		"no service nor URL": func(o *InstallOptions) { o.Service = "" },
	} {
		o := ok
		change(&o)
		if _, err := WebhookConfiguration([]string{"Pod"}, o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := WebhookConfiguration([]string{"Pod"}, ok); err != nil {
		t.Errorf("defaults refused: %v", err)
	}
}
