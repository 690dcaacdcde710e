package admission

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	"github.com/bulwarksec/bulwark/internal/policy/builtin"
)

// testRules are one rule per effect over pods, so that each branch of the
// decision can be reached with a small pod: privileged containers are
// denied, images without a tag or with :latest warned, pods without an
// "owner" label audited; a pod annotated "test/break" makes test.broken
// fail to evaluate, and "test/panic" makes it panic.
func testRules() []*policy.Rule {
	pods := policy.PodKinds()
	each := func(f func(c policy.Container) *policy.Violation) func(context.Context, *policy.Input) ([]policy.Violation, error) {
		return func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
			var vs []policy.Violation
			for _, c := range in.Containers() {
				if v := f(c); v != nil {
					vs = append(vs, *v)
				}
			}
			return vs, nil
		}
	}
	return []*policy.Rule{
		{ID: "test.deny", Title: "No privileged containers", Severity: finding.SeverityHigh, Effect: policy.EffectDeny, Kinds: pods,
			Remediation: "Drop securityContext.privileged.",
			Check: each(func(c policy.Container) *policy.Violation {
				if sc := c.SecurityContext; sc != nil && sc.Privileged != nil && *sc.Privileged {
					return &policy.Violation{Path: c.Field("securityContext.privileged"), Container: c.Name, Message: "container " + c.Name + " is privileged"}
				}
				return nil
			})},
		{ID: "test.warn", Title: "Pinned image tags", Severity: finding.SeverityLow, Effect: policy.EffectWarn, Kinds: pods,
			Remediation: "Use a version tag or a digest.",
			Check: each(func(c policy.Container) *policy.Violation {
				if !strings.Contains(c.Image, ":") || strings.HasSuffix(c.Image, ":latest") {
					return &policy.Violation{Path: c.Field("image"), Container: c.Name, Message: "image " + c.Image + " has no fixed tag"}
				}
				return nil
			})},
		{ID: "test.audit", Title: "Owner label", Severity: finding.SeverityInformational, Effect: policy.EffectAudit, Kinds: pods,
			Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
				if in.Object.Pod.Labels()["owner"] == "" {
					return []policy.Violation{{Path: in.Object.Pod.MetaPath + ".labels", Message: "no owner label"}}, nil
				}
				return nil, nil
			}},
		{ID: "test.broken", Title: "Sometimes broken", Severity: finding.SeverityMedium, Effect: policy.EffectDeny, Kinds: []string{"Pod"},
			Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
				switch {
				case in.Object.Meta.Annotations["test/panic"] != "":
					panic("rule bug")
				case in.Object.Meta.Annotations["test/break"] != "":
					return nil, errors.New("lookup failed")
				}
				return nil, nil
			}},
	}
}

// testEngine binds testRules to a configuration given as YAML.
func testEngine(t testing.TB, config string) *policy.Engine {
	t.Helper()
	cfg, err := policy.ReadConfig(strings.NewReader(config))
	if err != nil {
		t.Fatal(err)
	}
	e, err := policy.New(testRules(), cfg, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// builtinEngine is the engine `admission serve` runs by default, with PSS
// baseline enforced.
func builtinEngine(t testing.TB) *policy.Engine {
	t.Helper()
	cfg, err := policy.ReadConfig(strings.NewReader("pss: {enforce: baseline}"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := policy.New(builtin.Rules(), cfg, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}
