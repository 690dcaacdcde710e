package policy_test

import (
	"os"
	"testing"

	"github.com/bulwarksec/bulwark/internal/policy"
	"github.com/bulwarksec/bulwark/internal/policy/policytest"
)

// TestExampleRules loads the documented example rules and runs each
// against its passing and failing cases, as a built-in rule's are run.
func TestExampleRules(t *testing.T) {
	rules, err := policy.LoadCustomRules(os.DirFS("../../docs/examples/policy"), []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 5 {
		t.Fatalf("loaded %d example rules, want 5", len(rules))
	}
	policytest.Run(t, "testdata/custom/cases", rules)
}
