package policy

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/finding"
	corev1 "k8s.io/api/core/v1"
)

// testRule is a rule on pods that finds a violation in every container
// its scope covers, named after the container, unless a check is given.
func testRule(id string, set func(*Rule)) *Rule {
	r := &Rule{ID: id, Title: id, Severity: finding.SeverityLow, Effect: EffectDeny, Kinds: PodKinds(),
		Check: func(_ context.Context, in *Input) ([]Violation, error) {
			var vs []Violation
			for _, c := range in.Containers() {
				vs = append(vs, Violation{Path: c.Field("image"), Container: c.Name, Message: "bad " + c.Name})
			}
			return vs, nil
		}}
	if set != nil {
		set(r)
	}
	return r
}

func mustDecode(t testing.TB, doc string) *Object {
	t.Helper()
	o, err := Decode([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

const twoContainerPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop","labels":{"app":"web"}},
 "spec":{"initContainers":[{"name":"init","image":"busybox:1.36"}],
  "containers":[{"name":"app","image":"nginx:1.27"},{"name":"side","image":"envoy:1.31"}]}}`

// TestEffects checks a rule's effect: its default, the configuration's
// override, and for Pod Security Standards rules the configured levels,
// where restricted includes baseline.
func TestEffects(t *testing.T) {
	for _, c := range []struct {
		name  string
		level string // PSS level of the rule; else its default effect is deny
		pss   PSSConfig
		set   Effect // configured effect
		want  Effect
	}{
		{"default effect", "", PSSConfig{}, "", EffectDeny},
		{"configured effect", "", PSSConfig{}, EffectWarn, EffectWarn},
		{"configured audit", "", PSSConfig{}, EffectAudit, EffectAudit},
		{"disabled", "", PSSConfig{}, EffectDisabled, EffectDisabled},
		{"baseline enforced", "baseline", PSSConfig{Enforce: "baseline"}, "", EffectDeny},
		{"restricted rule under baseline enforce and restricted warn", "restricted", PSSConfig{Enforce: "baseline", Warn: "restricted"}, "", EffectWarn},
		{"baseline rule under restricted enforce", "baseline", PSSConfig{Enforce: "restricted"}, "", EffectDeny},
		{"restricted audited", "restricted", PSSConfig{Audit: "restricted"}, "", EffectAudit},
		{"baseline under restricted audit", "baseline", PSSConfig{Audit: "restricted", Warn: "privileged"}, "", EffectAudit},
		{"restricted rule, privileged enforce, baseline warn", "restricted", PSSConfig{Enforce: "privileged", Warn: "baseline"}, "", EffectDisabled},
		{"no levels", "baseline", PSSConfig{}, "", EffectDisabled},
		{"default config baseline", "baseline", DefaultConfig().PSS, "", EffectWarn},
		{"default config restricted", "restricted", DefaultConfig().PSS, "", EffectAudit},
		{"configured effect beats the level", "restricted", PSSConfig{Audit: "restricted"}, EffectDeny, EffectDeny},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := testRule("t.r", func(r *Rule) {
				if c.level != "" {
					r.Effect, r.Level = "", c.level
				}
			})
			cfg := DefaultConfig()
			cfg.PSS = c.pss
			if c.set != "" {
				cfg.Rules = map[string]RuleConfig{"t.r": {Effect: c.set}}
			}
			e, err := New([]*Rule{r}, cfg, Options{})
			if err != nil {
				t.Fatal(err)
			}
			res := e.Evaluate(context.Background(), mustDecode(t, twoContainerPod), nil)
			if c.want == EffectDisabled {
				if len(res) != 0 || len(e.Rules()) != 0 {
					t.Fatalf("disabled rule ran: %+v", res)
				}
				return
			}
			if len(res) != 1 || res[0].Effect != c.want {
				t.Fatalf("results %+v, want effect %s", res, c.want)
			}
			wantStatus := finding.StatusFail
			if c.want == EffectWarn {
				wantStatus = finding.StatusWarn
			}
			if res[0].Status != wantStatus {
				t.Errorf("status %s, want %s", res[0].Status, wantStatus)
			}
		})
	}
}

// TestNewRefusesBadConfig checks every configuration New refuses.
func TestNewRefusesBadConfig(t *testing.T) {
	withParams := testRule("t.p", func(r *Rule) {
		r.Params = []Param{{Name: "n", Default: 1}, {Name: "s", Default: "x"}, {Name: "l", Default: []string{}},
			{Name: "b", Default: false}, {Name: "o", Default: map[string]any{}}}
	})
	for _, c := range []struct {
		name string
		cfg  func(*Config)
		want string
	}{
		{"unknown rule", func(c *Config) { c.Rules = map[string]RuleConfig{"t.nope": {}} }, "unknown rule t.nope"},
		{"unknown parameter", params(map[string]any{"m": 1}), `rule t.p has no parameter "m"`},
		{"string for int", params(map[string]any{"n": "3"}), "parameter n: want integer, got string"},
		{"fraction for int", params(map[string]any{"n": 1.5}), "parameter n: want integer, got number"},
		{"number for string", params(map[string]any{"s": 3.0}), "parameter s: want string, got number"},
		{"list item not a string", params(map[string]any{"l": []any{"a", 2.0}}), "parameter l: item 1: want string, got number"},
		{"string for list", params(map[string]any{"l": "a"}), "parameter l: want list of strings, got string"},
		{"string for bool", params(map[string]any{"b": "true"}), "parameter b: want bool, got string"},
		{"list for object", params(map[string]any{"o": []any{}}), "parameter o: want object, got list"},
		{"bad effect", func(c *Config) { c.Rules = map[string]RuleConfig{"t.p": {Effect: "block"}} }, `unknown effect "block"`},
		{"bad selector", func(c *Config) { c.Scope.LabelSelector = "app in (" }, "label selector"},
		{"bad rule selector", func(c *Config) { c.Rules = map[string]RuleConfig{"t.p": {Scope: &Scope{LabelSelector: "=x"}}} }, "rule t.p: label selector"},
		{"bad pss level", func(c *Config) { c.PSS.Enforce = "strict" }, `pss level "strict"`},
		{"bad pss version", func(c *Config) { c.PSS.Version = "2.1" }, `pss version "2.1"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultConfig()
			c.cfg(cfg)
			_, err := New([]*Rule{withParams}, cfg, Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
	if _, err := New([]*Rule{withParams, testRule("t.p", nil)}, nil, Options{}); err == nil || !strings.Contains(err.Error(), "duplicate rule ID t.p") {
		t.Fatalf("duplicate IDs: %v", err)
	}
}

func params(p map[string]any) func(*Config) {
	return func(c *Config) { c.Rules = map[string]RuleConfig{"t.p": {Params: p}} }
}

// TestParamsReachTheRule checks that the rule sees its defaults with the
// configured values over them, converted to the declared types.
func TestParamsReachTheRule(t *testing.T) {
	var got Params
	r := testRule("t.p", func(r *Rule) {
		r.Params = []Param{{Name: "n", Default: 1}, {Name: "l", Default: []string{"a"}}, {Name: "s", Default: "x"}}
		r.Check = func(_ context.Context, in *Input) ([]Violation, error) { got = in.Params; return nil, nil }
	})
	cfg := DefaultConfig()
	cfg.Rules = map[string]RuleConfig{"t.p": {Params: map[string]any{"n": 3.0, "l": []any{"b", "c"}}}}
	e, err := New([]*Rule{r}, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.Evaluate(context.Background(), mustDecode(t, twoContainerPod), nil)
	if got.Int("n") != 3 || !slices.Equal(got.Strings("l"), []string{"b", "c"}) || got.String("s") != "x" {
		t.Fatalf("params %#v", got)
	}
}

// TestScope checks which objects and containers a rule's scope covers.
func TestScope(t *testing.T) {
	pod := func(ns, labels string) string {
		return `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"` + ns + `","labels":{` + labels + `}},"spec":{"containers":[{"name":"a","image":"x"}]}}`
	}
	role := `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"r"}}`
	for _, c := range []struct {
		name   string
		global Scope
		rule   *Scope
		object string
		want   finding.Status
	}{
		{"no scope", Scope{}, nil, pod("shop", ""), finding.StatusFail},
		{"namespace listed", Scope{Namespaces: []string{"shop"}}, nil, pod("shop", ""), finding.StatusFail},
		{"namespace not listed", Scope{Namespaces: []string{"shop"}}, nil, pod("shopping", ""), finding.StatusSkip},
		{"namespace prefix", Scope{Namespaces: []string{"team-*"}}, nil, pod("team-a", ""), finding.StatusFail},
		{"namespace beside the prefix", Scope{Namespaces: []string{"team-*"}}, nil, pod("teama", ""), finding.StatusSkip},
		{"excluded namespace prefix", Scope{ExcludedNamespaces: []string{"kube-*"}}, nil, pod("kube-system", ""), finding.StatusSkip},
		{"excluded beats listed", Scope{Namespaces: []string{"*"}, ExcludedNamespaces: []string{"shop"}}, nil, pod("shop", ""), finding.StatusSkip},
		{"selector matches", Scope{LabelSelector: "app=web"}, nil, pod("shop", `"app":"web"`), finding.StatusFail},
		{"selector does not match", Scope{LabelSelector: "app=web"}, nil, pod("shop", `"app":"db"`), finding.StatusSkip},
		{"negative selector without labels", Scope{LabelSelector: "tier!=db"}, nil, pod("shop", ""), finding.StatusFail},
		{"rule scope over global", Scope{ExcludedNamespaces: []string{"shop"}}, &Scope{ExcludedNamespaces: []string{}}, pod("shop", ""), finding.StatusFail},
		{"rule scope keeps unset global fields", Scope{ExcludedNamespaces: []string{"shop"}}, &Scope{LabelSelector: "app"}, pod("shop", `"app":"web"`), finding.StatusSkip},
		{"cluster-scoped object covered", Scope{ExcludedNamespaces: []string{"kube-system"}}, nil, role, finding.StatusFail},
		{"cluster-scoped object outside listed namespaces", Scope{Namespaces: []string{"shop"}}, nil, role, finding.StatusSkip},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := testRule("t.s", func(r *Rule) {
				r.Kinds = append(PodKinds(), "ClusterRole")
				r.Check = func(context.Context, *Input) ([]Violation, error) { return []Violation{{Message: "x"}}, nil }
			})
			cfg := DefaultConfig()
			cfg.Scope = c.global
			cfg.Rules = map[string]RuleConfig{"t.s": {Scope: c.rule}}
			e, err := New([]*Rule{r}, cfg, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res := e.Evaluate(context.Background(), mustDecode(t, c.object), nil); res[0].Status != c.want {
				t.Fatalf("status %s, want %s", res[0].Status, c.want)
			}
		})
	}
}

// TestScopeContainers checks that excluded containers and images are left
// out of Input.Containers, by name and by image prefix.
func TestScopeContainers(t *testing.T) {
	for _, c := range []struct {
		scope Scope
		want  string
	}{
		{Scope{}, "init app side"},
		{Scope{ExcludedContainers: []string{"side"}}, "init app"},
		{Scope{ExcludedImages: []string{"busybox:*", "nginx:1.27"}}, "side"},
		{Scope{ExcludedImages: []string{"nginx"}}, "init app side"},
	} {
		cfg := DefaultConfig()
		cfg.Scope = c.scope
		e, err := New([]*Rule{testRule("t.c", nil)}, cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		res := e.Evaluate(context.Background(), mustDecode(t, twoContainerPod), nil)
		var names []string
		for _, v := range res[0].Violations {
			names = append(names, v.Container)
		}
		if got := strings.Join(names, " "); got != c.want {
			t.Errorf("scope %+v: containers %q, want %q", c.scope, got, c.want)
		}
	}
}

// TestRuleFailures checks that a rule that errors or panics reports
// status error and the rules after it still run.
func TestRuleFailures(t *testing.T) {
	rules := []*Rule{
		testRule("t.panics", func(r *Rule) {
			r.Check = func(_ context.Context, in *Input) ([]Violation, error) {
				var m map[string]*corev1.Container
				return []Violation{{Message: m["x"].Name}}, nil
			}
		}),
		testRule("t.errors", func(r *Rule) {
			r.Check = func(context.Context, *Input) ([]Violation, error) { return nil, errors.New("no answer") }
		}),
		testRule("t.fails", nil),
		testRule("t.passes", func(r *Rule) {
			r.Check = func(context.Context, *Input) ([]Violation, error) { return nil, nil }
		}),
		testRule("t.service", func(r *Rule) { r.Kinds = []string{"Service"} }),
	}
	e, err := New(rules, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := e.Evaluate(context.Background(), mustDecode(t, twoContainerPod), nil)
	var got []string
	for _, r := range res {
		got = append(got, r.Rule.ID+"="+string(r.Status))
	}
	if s := strings.Join(got, " "); s != "t.panics=error t.errors=error t.fails=fail t.passes=pass" {
		t.Fatalf("results %s", s)
	}
	if !strings.Contains(res[0].Err.Error(), "rule t.panics panicked: runtime error: invalid memory address") || res[1].Err.Error() != "no answer" {
		t.Errorf("errors %v; %v", res[0].Err, res[1].Err)
	}
	if k := strings.Join(e.Kinds(), " "); k != "CronJob DaemonSet Deployment Job Pod ReplicaSet ReplicationController Service StatefulSet" {
		t.Errorf("kinds %s", k)
	}
}

// TestOnError checks the effect of a rule in status error at admission.
func TestOnError(t *testing.T) {
	for set, want := range map[string]Effect{"": EffectDeny, "deny": EffectDeny, "allow": EffectWarn} {
		cfg := DefaultConfig()
		cfg.OnError = set
		e, err := New(nil, cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if e.OnError() != want {
			t.Errorf("onError %q: %s, want %s", set, e.OnError(), want)
		}
	}
}
