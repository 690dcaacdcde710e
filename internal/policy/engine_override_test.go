package policy

import (
	"context"
	"testing"
)

// TestOverrides checks how a restricted rule that overrides a baseline one
// changes the baseline rule's effect: only at the restricted level, only
// from the override's version, and not when the restricted rule is
// disabled.
func TestOverrides(t *testing.T) {
	noop := func(context.Context, *Input) ([]Violation, error) { return nil, nil }
	base := &Rule{ID: "pss.base", Level: "baseline", Kinds: []string{"Pod"}, Check: noop}
	strict := &Rule{ID: "pss.strict", Level: "restricted", Kinds: []string{"Pod"}, Check: noop,
		Overrides: []Override{{Rule: "pss.base", Since: 22}}}
	for _, c := range []struct {
		name  string
		pss   PSSConfig
		rules map[string]RuleConfig
		want  Effect
	}{
		{"restricted enforced, overridden", PSSConfig{Version: "v1.22", Enforce: "restricted"}, nil, EffectDisabled},
		{"restricted enforced, before the override", PSSConfig{Version: "v1.21", Enforce: "restricted"}, nil, EffectDeny},
		{"latest is after the override", PSSConfig{Enforce: "restricted", Warn: "baseline"}, nil, EffectWarn},
		{"baseline enforced, restricted warned", PSSConfig{Version: "latest", Enforce: "baseline", Warn: "restricted"}, nil, EffectDeny},
		{"overriding rule disabled", PSSConfig{Enforce: "restricted"}, map[string]RuleConfig{"pss.strict": {Effect: EffectDisabled}}, EffectDeny},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, err := New([]*Rule{base, strict}, &Config{PSS: c.pss, Rules: c.rules, OnError: "deny"}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := EffectDisabled // a disabled rule is not bound
			for _, b := range e.rules {
				if b.rule == base {
					got = b.effect
				}
			}
			if got != c.want {
				t.Errorf("baseline rule effect %s, want %s", got, c.want)
			}
		})
	}
}
