package policy_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// FuzzLoadCustomRules feeds hostile rule files to the loader: it must
// never panic or hang, every error must be a located *LoadError, and a
// rule that loads must evaluate without panicking.
func FuzzLoadCustomRules(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/custom/load/*.yaml")
	seeds = append(seeds, "../../docs/examples/policy/custom-rules.yaml")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	obj := decodeYAML(f, vocabDeployment)
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, err := policy.LoadCustomRules(fstest.MapFS{"r.yaml": {Data: data}}, []string{"r.yaml"})
		if err != nil {
			for _, le := range loadErrors(err) {
				if le.File != "r.yaml" {
					t.Fatalf("error without its file: %v", err)
				}
			}
			return
		}
		e, err := policy.New(rules, nil, policy.Options{})
		if err != nil {
			return // a duplicate of a built-in ID is the engine's to refuse
		}
		for _, r := range e.Evaluate(context.Background(), obj, &policy.Request{Operation: "CREATE"}) {
			if r.Err != nil && strings.Contains(r.Err.Error(), "panicked") {
				t.Fatalf("rule %s: %v", r.Rule.ID, r.Err)
			}
			if r.Err != nil && errors.Is(r.Err, context.Canceled) {
				t.Fatalf("rule %s cancelled without a cancel: %v", r.Rule.ID, r.Err)
			}
		}
	})
}
