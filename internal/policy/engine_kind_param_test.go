package policy

import (
	"context"
	"slices"
	"testing"
)

// TestKindParam checks that a rule whose kind is a parameter reads only
// the configured kind, and no kind while the parameter is empty, so that
// the webhook is not registered for every resource by default.
func TestKindParam(t *testing.T) {
	hit := func(context.Context, *Input) ([]Violation, error) { return []Violation{{Message: "hit"}}, nil }
	r := &Rule{ID: "k8s.kindParam", Effect: EffectAudit, KindParam: "kind", Check: hit,
		Params: []Param{{Name: "kind", Default: ""}}}
	for _, c := range []struct {
		name    string
		params  map[string]any
		kinds   []string
		results int
	}{
		{"empty parameter reads nothing", nil, nil, 0},
		{"configured kind", map[string]any{"kind": "LimitRange"}, []string{"LimitRange"}, 1},
		{"another kind", map[string]any{"kind": "ConfigMap"}, []string{"ConfigMap"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, err := New([]*Rule{r}, &Config{Rules: map[string]RuleConfig{r.ID: {Params: c.params}}, OnError: "deny"}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := e.Kinds(); !slices.Equal(got, c.kinds) {
				t.Errorf("kinds %q, want %q", got, c.kinds)
			}
			obj, err := Decode([]byte(`{"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"lax","namespace":"shop"}}`))
			if err != nil {
				t.Fatal(err)
			}
			if got := e.Evaluate(context.Background(), obj, nil); len(got) != c.results {
				t.Errorf("%d results on a LimitRange, want %d", len(got), c.results)
			}
		})
	}
}
