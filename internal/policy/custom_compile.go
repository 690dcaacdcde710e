package policy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/bulwarksec/bulwark/internal/finding"
)

// customIDPattern is what a custom rule ID looks like: dotted words
// ("acme.allowedRegistries").
var customIDPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$`)

// reservedPrefixes are the built-in rules' ID spaces; a custom rule may not
// use them, so that a built-in rule added later never collides with one.
var reservedPrefixes = []string{"pss.", "k8s."}

// compileRule turns a rule spec into a Rule whose Check evaluates its
// compiled validations. Every error is a *lineError.
func compileRule(envs *celEnvs, s ruleSpec) (*Rule, error) {
	r, err := ruleMeta(s)
	if err != nil {
		return nil, err
	}
	c := &customRule{fields: envs.fields, perContainer: s.ForEach == "container"}
	if r.Kinds, err = ruleKinds(s, c.perContainer); err != nil {
		return nil, err
	}
	if r.Params, err = ruleParams(s.Params); err != nil {
		return nil, err
	}
	if len(s.Validations) == 0 {
		return nil, errAt(s.line, "rule has no validations")
	}
	for _, vs := range s.Validations {
		v, err := compileValidation(envs, c.perContainer, r.Params, vs)
		if err != nil {
			return nil, err
		}
		c.readsDoc, c.loops = c.readsDoc || v.readsDoc, c.loops || v.loops
		c.validations = append(c.validations, v)
	}
	r.Check = c.check
	return r, nil
}

func ruleMeta(s ruleSpec) (*Rule, error) {
	switch {
	case !customIDPattern.MatchString(s.ID):
		return nil, errAt(s.line, "id %q: want dotted words (acme.allowedRegistries)", s.ID)
	case slices.ContainsFunc(reservedPrefixes, func(p string) bool { return strings.HasPrefix(s.ID, p) }):
		return nil, errAt(s.line, "id %q: the prefixes %s are reserved for built-in rules", s.ID, strings.Join(reservedPrefixes, " and "))
	case strings.TrimSpace(s.Title) == "":
		return nil, errAt(s.line, "rule has no title")
	}
	sev, err := finding.ParseSeverity(s.Severity)
	if err != nil || sev == finding.SeverityUnknown {
		return nil, errAt(s.line, "severity %q: want critical, high, medium, low or informational", s.Severity)
	}
	effect := EffectDeny
	if s.Effect != "" {
		if effect, err = ParseEffect(s.Effect); err != nil {
			return nil, errAt(s.line, "%v", err)
		}
	}
	return &Rule{ID: s.ID, Title: s.Title, Severity: sev, Rationale: s.Rationale, Remediation: s.Remediation,
		References: References{PSS: s.References.PSS, Azure: s.References.Azure, CIS: s.References.CIS, URLs: s.References.URLs},
		Effect:     effect}, nil
}

// ruleKinds returns the kinds a rule reads: its kinds, plus every
// pod-bearing kind with pods: true. A container rule reads pods only.
func ruleKinds(s ruleSpec, perContainer bool) ([]string, error) {
	if s.ForEach != "" && s.ForEach != "object" && s.ForEach != "container" {
		return nil, errAt(s.line, "foreach %q: want object or container", s.ForEach)
	}
	var kinds []string
	if s.Pods {
		kinds = PodKinds()
	}
	for _, k := range s.Kinds {
		if strings.TrimSpace(k) == "" {
			return nil, errAt(s.line, "empty kind")
		}
		if perContainer && !slices.Contains(podKinds, k) {
			return nil, errAt(s.line, "kind %s has no containers: a foreach container rule reads pod-bearing kinds only", k)
		}
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		return nil, errAt(s.line, "rule reads no kinds: set kinds, or pods: true")
	}
	return kinds, nil
}

// ruleParams declares the parameters; a parameter's type is its
// default's, so every parameter needs one.
func ruleParams(specs []paramSpec) ([]Param, error) {
	out := make([]Param, 0, len(specs))
	for _, p := range specs {
		if !celIdent.MatchString(p.Name) {
			return nil, errAt(p.line, "parameter name %q: want a CEL identifier", p.Name)
		}
		if _, dup := findParam(out, p.Name); dup {
			return nil, errAt(p.line, "parameter %s declared twice", p.Name)
		}
		def, err := paramDefault(p.Default)
		if err != nil {
			return nil, errAt(p.line, "parameter %s: %v", p.Name, err)
		}
		out = append(out, Param{Name: p.Name, Doc: p.Doc, Default: def})
	}
	return out, nil
}

var celIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// paramDefault converts a default as YAML decodes it to one of the
// parameter types the engine checks configuration against.
func paramDefault(v any) (any, error) {
	switch d := v.(type) {
	case string, bool, int, map[string]any:
		return d, nil
	case []any:
		l, err := toStrings(d)
		if err != nil {
			return nil, fmt.Errorf("default: %w", err)
		}
		if l == nil {
			l = []string{}
		}
		return l, nil
	case nil:
		return nil, fmt.Errorf("needs a default, whose type is the parameter's")
	}
	return nil, fmt.Errorf("default %v: want a string, bool, integer, list of strings or object", v)
}
