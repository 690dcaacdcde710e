package policy

import (
	"fmt"
	"reflect"
)

// Param declares one parameter of a rule. Its type is the type of Default:
// string, bool, int, []string or map[string]any (an object).
type Param struct {
	Name    string
	Doc     string
	Default any
}

// Params holds a rule's parameter values: the declared defaults with the
// configuration's values over them.
type Params map[string]any

// String returns a string parameter ("" when unset).
func (p Params) String(name string) string { s, _ := p[name].(string); return s }

// Bool returns a bool parameter.
func (p Params) Bool(name string) bool { b, _ := p[name].(bool); return b }

// Int returns an int parameter.
func (p Params) Int(name string) int { n, _ := p[name].(int); return n }

// Strings returns a list-of-strings parameter.
func (p Params) Strings(name string) []string { l, _ := p[name].([]string); return l }

// Object returns an object parameter.
func (p Params) Object(name string) map[string]any { m, _ := p[name].(map[string]any); return m }

// resolveParams checks configured values against the rule's declarations
// and returns defaults with the values over them. Numbers from YAML or JSON
// are accepted for int parameters when whole; lists are converted to
// []string when every item is a string.
func resolveParams(r *Rule, set map[string]any) (Params, error) {
	out := make(Params, len(r.Params))
	for _, p := range r.Params {
		out[p.Name] = p.Default
	}
	for name, v := range set {
		decl, ok := findParam(r.Params, name)
		if !ok {
			return nil, fmt.Errorf("rule %s has no parameter %q", r.ID, name)
		}
		cv, err := convertParam(v, decl.Default)
		if err != nil {
			return nil, fmt.Errorf("rule %s parameter %s: %w", r.ID, name, err)
		}
		out[name] = cv
	}
	return out, nil
}

func findParam(ps []Param, name string) (Param, bool) {
	for _, p := range ps {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

func convertParam(v, like any) (any, error) {
	switch like.(type) {
	case string:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case bool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case int:
		switch n := v.(type) {
		case int:
			return n, nil
		case int64:
			return int(n), nil
		case float64:
			if n == float64(int(n)) {
				return int(n), nil
			}
		}
	case []string:
		return toStrings(v)
	case map[string]any:
		if m, ok := v.(map[string]any); ok {
			return m, nil
		}
	default:
		return nil, fmt.Errorf("declared with unsupported type %T", like)
	}
	return nil, fmt.Errorf("want %s, got %s", typeName(like), typeName(v))
}

func toStrings(v any) ([]string, error) {
	switch l := v.(type) {
	case []string:
		return l, nil
	case []any:
		out := make([]string, len(l))
		for i, item := range l {
			s, ok := item.(string)
			if !ok {
				return nil, fmt.Errorf("item %d: want string, got %s", i, typeName(item))
			}
			out[i] = s
		}
		return out, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("want list of strings, got %s", typeName(v))
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []string, []any:
		return "list"
	case map[string]any:
		return "object"
	case int, int64:
		return "integer"
	case float64:
		return "number"
	}
	return reflect.TypeOf(v).Kind().String()
}
