package policy

import (
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
)

// validation is one compiled check of a custom rule.
type validation struct {
	program cel.Program
	// message is the static message; messageProgram, when set, computes
	// one and falls back to message when it fails.
	message        string
	messageProgram cel.Program
	field          string
	// readsDoc is set when an expression reads the object's document.
	readsDoc bool
}

func compileValidation(envs *celEnvs, perContainer bool, params []Param, s validationSpec) (*validation, error) {
	env := envs.object
	if perContainer {
		env = envs.container
	}
	if strings.TrimSpace(s.Expression) == "" {
		return nil, errAt(s.line, "validation has no expression")
	}
	v := &validation{message: s.Message, field: s.Field}
	if v.message == "" {
		v.message = "failed expression: " + strings.TrimSpace(s.Expression)
	}
	var err error
	if v.program, v.readsDoc, err = compileExpr(env, envs.fields, params, s.Expression, s.exprAt, cel.BoolType); err != nil {
		return nil, err
	}
	if s.MessageExpression != "" {
		var reads bool
		if v.messageProgram, reads, err = compileExpr(env, envs.fields, params, s.MessageExpression, s.messageAt, cel.StringType); err != nil {
			return nil, err
		}
		v.readsDoc = v.readsDoc || reads
	}
	return v, nil
}

// compileExpr compiles one expression of the wanted type and checks that
// every params.x it names is declared. It reports whether the expression
// reads a field of the object's document.
func compileExpr(env *cel.Env, fields map[string]*Field, params []Param, src string, at srcPos, want *cel.Type) (cel.Program, bool, error) {
	checked, iss := env.Compile(src)
	if err := iss.Err(); err != nil {
		line := at.line
		if errs := iss.Errors(); len(errs) > 0 {
			line = at.fileLine(errs[0].Location.Line())
		}
		return nil, false, errAt(line, "cel: %v", err)
	}
	if !checked.OutputType().IsExactType(want) {
		return nil, false, errAt(at.line, "cel: expression gives %s, want %s", checked.OutputType(), want)
	}
	nav := ast.NavigateAST(checked.NativeRep())
	if name := undeclaredParam(nav, params); name != "" {
		return nil, false, errAt(at.line, "cel: params.%s is not a declared parameter", name)
	}
	prg, err := env.Program(checked, programOptions()...)
	if err != nil {
		return nil, false, errAt(at.line, "cel: %v", err)
	}
	return prg, readsDoc(nav, fields), nil
}

// undeclaredParam returns the first name read as params.<name> that the
// rule does not declare: such a rule would fail on every object.
func undeclaredParam(nav ast.NavigableExpr, params []Param) string {
	for _, e := range ast.MatchDescendants(nav, ast.KindMatcher(ast.SelectKind)) {
		sel := e.AsSelect()
		op := sel.Operand()
		if op.Kind() != ast.IdentKind || op.AsIdent() != "params" {
			continue
		}
		if _, ok := findParam(params, sel.FieldName()); !ok {
			return sel.FieldName()
		}
	}
	return ""
}

func readsDoc(nav ast.NavigableExpr, fields map[string]*Field) bool {
	for _, e := range ast.MatchDescendants(nav, ast.KindMatcher(ast.IdentKind)) {
		if f, ok := fields[e.AsIdent()]; ok && f.doc {
			return true
		}
	}
	return false
}
