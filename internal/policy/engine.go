package policy

import (
	"context"
	"fmt"
	"slices"

	"github.com/bulwarksec/bulwark/internal/finding"
)

// Engine evaluates objects against a fixed set of configured rules. It is
// safe for concurrent use.
type Engine struct {
	rules   []*bound
	pss     Version
	images  ImageHealth
	onError Effect
}

// bound is a rule with its configuration resolved.
type bound struct {
	rule   *Rule
	effect Effect
	params Params
	scope  *scope
	kinds  map[string]bool
	// bareKind matches kinds by name alone, in any group (KindParam rules).
	bareKind bool
}

// Options are the engine's injected dependencies.
type Options struct {
	// Images answers the image-gating rules (Rule.NeedsImages); New
	// refuses to enable them without it.
	Images ImageHealth
}

// New binds rules to a configuration. It fails on a configuration naming
// an unknown rule or parameter, a bad parameter type, a bad effect or
// selector, or duplicate rule IDs.
func New(rules []*Rule, cfg *Config, opts Options) (*Engine, error) {
	if cfg == nil {
		cfg = DefaultConfig()
	}
	if err := cfg.PSS.validate(); err != nil {
		return nil, err
	}
	v, err := ParseVersion(cfg.PSS.Version)
	if err != nil {
		return nil, err
	}
	e := &Engine{pss: v, images: opts.Images, onError: EffectDeny}
	if cfg.OnError == "allow" {
		e.onError = EffectWarn
	}
	seen := make(map[string]bool, len(rules))
	overridden := overriddenRules(rules, cfg, v)
	for _, r := range rules {
		if seen[r.ID] {
			return nil, fmt.Errorf("duplicate rule ID %s", r.ID)
		}
		seen[r.ID] = true
		b, err := bind(r, cfg, overridden[r.ID])
		if err != nil {
			return nil, err
		}
		if r.NeedsImages && b.effect != EffectDisabled && opts.Images == nil {
			return nil, fmt.Errorf("rule %s is enabled but no image-health source is configured: "+
				"set imageHealth in the policy config (server: a bulwark serve URL, or {} for the verdicts bulwark image caches on disk)", r.ID)
		}
		if b.effect != EffectDisabled {
			e.rules = append(e.rules, b)
		}
	}
	for id := range cfg.Rules {
		if !seen[id] {
			return nil, fmt.Errorf("policy config names unknown rule %s", id)
		}
	}
	return e, nil
}

// overriddenRules returns the IDs of the baseline rules that a restricted
// rule in the set replaces at version v. A restricted rule the
// configuration disables replaces nothing, so its baseline counterpart
// still covers the restricted level.
func overriddenRules(rules []*Rule, cfg *Config, v Version) map[string]bool {
	out := map[string]bool{}
	for _, r := range rules {
		if cfg.Rules[r.ID].Effect == EffectDisabled {
			continue
		}
		for _, o := range r.Overrides {
			if v.AtLeast(o.Since) {
				out[o.Rule] = true
			}
		}
	}
	return out
}

func bind(r *Rule, cfg *Config, overridden bool) (*bound, error) {
	rc := cfg.Rules[r.ID]
	b := &bound{rule: r, effect: r.Effect, kinds: make(map[string]bool, len(r.Kinds))}
	if r.Level != "" {
		b.effect = cfg.PSS.pssEffect(r.Level, overridden)
	}
	if rc.Effect != "" {
		e, err := ParseEffect(string(rc.Effect))
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.ID, err)
		}
		b.effect = e
	}
	var err error
	if b.params, err = resolveParams(r, rc.Params); err != nil {
		return nil, err
	}
	if b.scope, err = compileScope(cfg.Scope.over(rc.Scope)); err != nil {
		return nil, fmt.Errorf("rule %s: %w", r.ID, err)
	}
	kinds := r.Kinds
	if r.KindParam != "" {
		// The parameter names a bare kind whatever its group (the rule
		// checks the group itself, as Azure's apiGroups parameter says).
		kinds, b.bareKind = []string{b.params.String(r.KindParam)}, true
	}
	for _, k := range kinds {
		if k != "" {
			b.kinds[k] = true
		}
	}
	return b, nil
}

// Result is one rule's outcome on one object.
type Result struct {
	Rule       *Rule
	Effect     Effect
	Status     finding.Status
	Violations []Violation
	// Err is why the rule could not be evaluated (Status error).
	Err error
}

// Evaluate runs every enabled rule that reads the object's kind. Rules
// whose scope leaves the object out report skip; a rule that fails or
// panics reports error and the others still run. req is nil outside
// admission.
func (e *Engine) Evaluate(ctx context.Context, obj *Object, req *Request) []Result {
	out := make([]Result, 0, len(e.rules))
	key := obj.KindKey()
	// One Input serves every rule in turn (rules do not keep it): an
	// Input per rule was a fifth of a review's allocations.
	in := &Input{Object: obj, PSS: e.pss, Request: req, Images: e.images}
	for _, b := range e.rules {
		if !b.kinds[key] && !(b.bareKind && b.kinds[obj.Kind]) {
			continue
		}
		res := Result{Rule: b.rule, Effect: b.effect}
		if !b.scope.covers(obj) {
			res.Status = finding.StatusSkip
			out = append(out, res)
			continue
		}
		in.Params, in.scope = b.params, b.scope
		res.Violations, res.Err = check(ctx, b.rule, in)
		res.Status = status(res, b.effect)
		out = append(out, res)
	}
	return out
}

// check runs a rule's Check, turning a panic into an error so that one bad
// rule (or a custom rule meeting an object it did not expect) never takes
// the webhook down.
func check(ctx context.Context, r *Rule, in *Input) (vs []Violation, err error) {
	defer func() {
		if p := recover(); p != nil {
			vs, err = nil, fmt.Errorf("rule %s panicked: %v", r.ID, p)
		}
	}()
	return r.Check(ctx, in)
}

func status(r Result, effect Effect) finding.Status {
	switch {
	case r.Err != nil:
		return finding.StatusError
	case len(r.Violations) == 0:
		return finding.StatusPass
	case effect == EffectWarn:
		return finding.StatusWarn
	}
	return finding.StatusFail
}

// OnError is the effect a rule in status error has at admission: deny
// (fail closed) unless the configuration allows.
func (e *Engine) OnError() Effect { return e.onError }

// Rules returns the enabled rules in evaluation order.
func (e *Engine) Rules() []*Rule {
	out := make([]*Rule, len(e.rules))
	for i, b := range e.rules {
		out[i] = b.rule
	}
	return out
}

// Kinds returns the kinds some enabled rule reads, sorted.
func (e *Engine) Kinds() []string {
	var out []string
	for _, b := range e.rules {
		for k := range b.kinds {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}
