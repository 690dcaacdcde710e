package policy

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ruleSpec is one custom rule as written in a rule file. The YAML is read
// as nodes first, so that every error names the line it is on.
type ruleSpec struct {
	ID          string        `yaml:"id"`
	Title       string        `yaml:"title"`
	Severity    string        `yaml:"severity"`
	Rationale   string        `yaml:"rationale"`
	Remediation string        `yaml:"remediation"`
	References  referenceSpec `yaml:"references"`
	Effect      string        `yaml:"effect"`
	// Kinds are named as Object.KindKey names them: bare for built-in
	// and core kinds, "group/Kind" for the others.
	Kinds       []string         `yaml:"kinds"`
	Pods        bool             `yaml:"pods"`
	ForEach     string           `yaml:"foreach"`
	Params      []paramSpec      `yaml:"params"`
	Validations []validationSpec `yaml:"validations"`
	line        int
}

type referenceSpec struct {
	PSS   string   `yaml:"pss"`
	Azure string   `yaml:"azure"`
	CIS   string   `yaml:"cis"`
	URLs  []string `yaml:"urls"`
}

type paramSpec struct {
	Name    string `yaml:"name"`
	Doc     string `yaml:"doc"`
	Default any    `yaml:"default"`
	line    int
}

// validationSpec is one check of a rule: Expression is true when the
// object (or container) complies, as in a ValidatingAdmissionPolicy.
type validationSpec struct {
	Expression        string `yaml:"expression"`
	Message           string `yaml:"message"`
	MessageExpression string `yaml:"messageExpression"`
	// Field is the path a violation names, relative to the container in a
	// container rule, else to the object ("podSpec." and "podMetadata."
	// stand for wherever the pod sits in the kind).
	Field string `yaml:"field"`
	// exprAt and messageAt locate the two expressions in the file.
	exprAt, messageAt srcPos
	line              int
}

// srcPos is where an expression's text starts in its file: line, and
// whether it is a literal block (its first line follows the indicator), so
// that a CEL error's own line can be mapped onto the file.
type srcPos struct {
	line  int
	block bool
}

// fileLine maps line n (from 1) of the expression onto the file.
func (p srcPos) fileLine(n int) int {
	if !p.block {
		return p.line
	}
	return p.line + n
}

// lineError is an error at a line of a rule file, in the rule with ID
// rule when known.
type lineError struct {
	line int
	rule string
	err  error
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %v", e.line, e.err) }
func (e *lineError) Unwrap() error { return e.err }

func errAt(line int, format string, args ...any) error {
	return &lineError{line: line, err: fmt.Errorf(format, args...)}
}

// readSpecs parses a rule file: a YAML list of rules. An empty file holds
// no rules. Each rule that does not decode is one error; the others are
// returned.
func readSpecs(data []byte) ([]ruleSpec, []error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, []error{yamlError(0, err)}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.SequenceNode {
		return nil, []error{errAt(root.Line, "want a list of rules")}
	}
	var specs []ruleSpec
	var errs []error
	for _, item := range root.Content {
		s, err := decodeSpec(item)
		if err != nil {
			var le *lineError
			if errors.As(err, &le) {
				le.rule = idOf(item)
			}
			errs = append(errs, err)
			continue
		}
		specs = append(specs, s)
	}
	return specs, errs
}

func decodeSpec(n *yaml.Node) (ruleSpec, error) {
	s := ruleSpec{line: n.Line}
	if n.Kind != yaml.MappingNode {
		return s, errAt(n.Line, "want a rule (a mapping)")
	}
	if err := checkKeys(n, reflect.TypeFor[ruleSpec]()); err != nil {
		return s, err
	}
	if err := n.Decode(&s); err != nil {
		return s, yamlError(n.Line, err)
	}
	s.line = n.Line
	for i, p := range childItems(n, "params") {
		if i < len(s.Params) {
			s.Params[i].line = p.Line
		}
	}
	for i, v := range childItems(n, "validations") {
		if i < len(s.Validations) {
			s.Validations[i].line = v.Line
			s.Validations[i].exprAt = posOf(v, "expression")
			s.Validations[i].messageAt = posOf(v, "messageExpression")
		}
	}
	return s, nil
}

// idOf returns the id a rule node sets, "" when it sets none.
func idOf(n *yaml.Node) string {
	if v := value(n, "id"); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// checkKeys refuses a mapping key the target struct does not declare, so
// that a typo ("expresion") is an error and not a rule that checks
// nothing; yaml.v3 offers that only when decoding a whole stream. Aliases
// are not followed, so a crafted file cannot make this walk explode.
func checkKeys(n *yaml.Node, t reflect.Type) error {
	switch {
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			f, ok := fieldByTag(t, k.Value)
			if !ok {
				return errAt(k.Line, "unknown field %q", k.Value)
			}
			if err := checkKeys(n.Content[i+1], f.Type); err != nil {
				return err
			}
		}
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for _, c := range n.Content {
			if err := checkKeys(c, t.Elem()); err != nil {
				return err
			}
		}
	}
	return nil
}

func fieldByTag(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() && f.Tag.Get("yaml") == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// value returns the value node of key in a mapping node, nil when absent.
func value(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// childItems returns the items of the list under key.
func childItems(m *yaml.Node, key string) []*yaml.Node {
	if v := value(m, key); v != nil && v.Kind == yaml.SequenceNode {
		return v.Content
	}
	return nil
}

func posOf(m *yaml.Node, key string) srcPos {
	v := value(m, key)
	if v == nil {
		return srcPos{line: m.Line}
	}
	return srcPos{line: v.Line, block: v.Style&yaml.LiteralStyle != 0}
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

// yamlError takes the line out of a yaml.v3 error's text ("yaml: line 3:
// ...", "yaml: unmarshal errors:\n  line 7: ..."), which is the only place
// the library gives it, so that every load error has its line as a field.
func yamlError(line int, err error) error {
	msg := err.Error()
	m := yamlLine.FindStringSubmatchIndex(msg)
	if m == nil {
		return &lineError{line: line, err: err}
	}
	n, _ := strconv.Atoi(msg[m[2]:m[3]])
	msg = strings.TrimPrefix(msg[m[1]:], "yaml: ")
	return errAt(n, "%s", strings.ReplaceAll(msg, "\n  ", "; "))
}
