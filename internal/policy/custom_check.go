package policy

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// customRule is a custom rule's compiled validations; its check is the
// Rule's Check.
type customRule struct {
	fields       map[string]*Field
	perContainer bool
	// readsDoc is set when some expression reads the object's document,
	// which is then decoded (once per object) before the rule runs; loops
	// when some expression iterates, which then runs under CELLoopTimeout.
	readsDoc, loops bool
	validations     []*validation
}

func (r *customRule) check(ctx context.Context, in *Input) ([]Violation, error) {
	if !r.loops {
		return r.run(ctx, in)
	}
	bounded, cancel := context.WithTimeout(ctx, CELLoopTimeout)
	defer cancel()
	vs, err := r.run(bounded, in)
	if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("%w (a custom rule that loops may run %s on one object)", err, CELLoopTimeout)
	}
	return vs, err
}

func (r *customRule) run(ctx context.Context, in *Input) ([]Violation, error) {
	a := &activation{fields: r.fields, in: in}
	if r.readsDoc {
		v, err := in.Object.view()
		if err != nil {
			return nil, err
		}
		a.view = v
	}
	if !r.perContainer {
		return r.validate(ctx, a, nil)
	}
	var vs []Violation
	for _, c := range in.Containers() {
		a.c = &c
		cvs, err := r.validate(ctx, a, &c)
		if err != nil {
			return nil, fmt.Errorf("container %s: %w", c.Name, err)
		}
		vs = append(vs, cvs...)
	}
	return vs, nil
}

// validate runs every validation; a validation that cannot be evaluated
// makes the whole rule's status error, as a ValidatingAdmissionPolicy's
// does.
func (r *customRule) validate(ctx context.Context, a *activation, c *Container) ([]Violation, error) {
	var vs []Violation
	for i, v := range r.validations {
		out, _, err := v.program.ContextEval(ctx, a)
		if err != nil {
			return nil, fmt.Errorf("validations[%d]: %w", i, err)
		}
		ok, isBool := out.Value().(bool)
		if !isBool {
			return nil, fmt.Errorf("validations[%d]: expression gave %s, want bool", i, out.Type())
		}
		if !ok {
			vs = append(vs, v.violation(ctx, a, c))
		}
	}
	return vs, nil
}

func (v *validation) violation(ctx context.Context, a *activation, c *Container) Violation {
	out := Violation{Path: v.path(a.in.Object, c), Message: v.message}
	if c != nil {
		out.Container = c.Name
	}
	if v.messageProgram != nil {
		// A message that cannot be computed falls back to the static one:
		// the violation stands either way.
		if m, _, err := v.messageProgram.ContextEval(ctx, a); err == nil {
			if s, ok := m.Value().(string); ok && strings.TrimSpace(s) != "" {
				out.Message = s
			}
		}
	}
	return out
}

// path is the field a violation names: relative to the container in a
// container rule; else relative to the object, with podSpec and
// podMetadata standing for where the pod sits in the object's kind.
func (v *validation) path(o *Object, c *Container) string {
	if c != nil {
		if v.field == "" {
			return c.Path
		}
		return c.Field(v.field)
	}
	if o.Pod != nil {
		if p, ok := rebase(v.field, "podSpec", o.Pod.SpecPath); ok {
			return p
		}
		if p, ok := rebase(v.field, "podMetadata", o.Pod.MetaPath); ok {
			return p
		}
	}
	return v.field
}

// rebase replaces a leading name of field by the path it stands for.
func rebase(field, name, at string) (string, bool) {
	if field == name {
		return at, true
	}
	if rest, ok := strings.CutPrefix(field, name+"."); ok {
		return at + "." + rest, true
	}
	return "", false
}
