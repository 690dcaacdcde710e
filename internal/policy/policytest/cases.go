// Package policytest runs workload rules against their case files, so that
// a new rule's test is its cases: objects that must pass and must fail.
package policytest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	"sigs.k8s.io/yaml"
)

// Case is one object with the verdict a rule must give it.
type Case struct {
	Name string `json:"name"`
	// Want is pass, fail, error or skip (the rule does not apply).
	Want finding.Status `json:"want"`
	// Params and Scope configure the rule for this case.
	Params map[string]any `json:"params,omitempty"`
	Scope  *policy.Scope  `json:"scope,omitempty"`
	// PSS is the Pod Security Standards version ("v1.25"), latest if unset.
	PSS string `json:"pss,omitempty"`
	// Request is the admission request, if the rule reads one.
	Request *policy.Request `json:"request,omitempty"`
	// Images answers the image-gating rules for this case, by image as
	// the object writes it; an image not listed was never scanned.
	Images map[string]ImageCase `json:"images,omitempty"`
	// Paths, when set, are the field paths the violations must name, in order.
	Paths  []string        `json:"paths,omitempty"`
	Object json.RawMessage `json:"object"`
}

// ReadCases reads dir/<ruleID>.yaml, a YAML list of cases.
func ReadCases(dir, ruleID string) ([]Case, error) {
	data, err := os.ReadFile(filepath.Join(dir, ruleID+".yaml"))
	if err != nil {
		return nil, err
	}
	var cs []Case
	if err := yaml.UnmarshalStrict(data, &cs); err != nil {
		return nil, fmt.Errorf("cases of %s: %w", ruleID, err)
	}
	return cs, nil
}

// Run checks every rule against its cases in dir: each rule must have at
// least one passing and one failing case, and every case must get its
// verdict (and, where given, its field paths).
func Run(t *testing.T, dir string, rules []*policy.Rule) {
	t.Helper()
	for _, r := range rules {
		t.Run(r.ID, func(t *testing.T) {
			cs, err := ReadCases(dir, r.ID)
			if err != nil {
				t.Fatalf("rule %s: %v", r.ID, err)
			}
			if !hasWant(cs, finding.StatusPass) || !hasWant(cs, finding.StatusFail) {
				t.Fatalf("rule %s needs at least one passing and one failing case", r.ID)
			}
			for _, c := range cs {
				t.Run(c.Name, func(t *testing.T) { RunCase(t, r, c) })
			}
		})
	}
}

func hasWant(cs []Case, s finding.Status) bool {
	return slices.ContainsFunc(cs, func(c Case) bool { return c.Want == s })
}

// RunCase evaluates one case with the rule alone, its effect set to deny.
func RunCase(t *testing.T, r *policy.Rule, c Case) {
	t.Helper()
	res, err := Evaluate(r, c)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != c.Want {
		t.Fatalf("status %s, want %s (violations %+v, error %v)", res.Status, c.Want, res.Violations, res.Err)
	}
	if c.Paths != nil {
		var got []string
		for _, v := range res.Violations {
			got = append(got, v.Path)
		}
		if !slices.Equal(got, c.Paths) {
			t.Fatalf("violation paths %q, want %q", got, c.Paths)
		}
	}
}

// Evaluate runs one case and returns the rule's result.
func Evaluate(r *policy.Rule, c Case) (policy.Result, error) {
	cfg := policy.DefaultConfig()
	cfg.Scope = policy.Scope{}
	cfg.PSS.Version = c.PSS
	cfg.Rules = map[string]policy.RuleConfig{r.ID: {Effect: policy.EffectDeny, Params: c.Params, Scope: c.Scope}}
	e, err := policy.New([]*policy.Rule{r}, cfg, policy.Options{Images: fakeImages(c.Images)})
	if err != nil {
		return policy.Result{}, err
	}
	obj, err := policy.Decode(c.Object)
	if err != nil {
		return policy.Result{}, fmt.Errorf("case %q: %w", c.Name, err)
	}
	res := e.Evaluate(context.Background(), obj, c.Request)
	if len(res) == 0 {
		// The rule does not read this kind: the engine never runs it.
		return policy.Result{Rule: r, Status: finding.StatusSkip}, nil
	}
	return res[0], nil
}
