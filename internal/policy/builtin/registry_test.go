package builtin

import (
	"regexp"
	"testing"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// TestRegistry guards what every built-in rule must carry; each package's
// own test runs the rules' passing and failing cases.
func TestRegistry(t *testing.T) {
	id := regexp.MustCompile(`^(pss|k8s)\.[a-zA-Z][a-zA-Z0-9_]*$`)
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("duplicate rule ID %s", r.ID)
		}
		seen[r.ID] = true
		if !id.MatchString(r.ID) {
			t.Errorf("rule ID %q: want pss.<check> or k8s.<name>", r.ID)
		}
		if r.Title == "" || r.Rationale == "" || r.Remediation == "" || r.Severity == 0 || (len(r.Kinds) == 0 && r.KindParam == "") || r.Check == nil {
			t.Errorf("rule %s lacks a title, rationale, remediation, severity, kinds or check", r.ID)
		}
		if (r.Level == "") == (r.Effect == "") {
			t.Errorf("rule %s: set exactly one of Level (pss rules) and Effect", r.ID)
		}
		if len(r.References.List()) == 0 {
			t.Errorf("rule %s has no reference", r.ID)
		}
	}
	if _, err := policy.New(Rules(), policy.DefaultConfig(), policy.Options{}); err != nil {
		t.Fatal(err)
	}
}
