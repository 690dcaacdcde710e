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
	// readsDoc is set when an expression reads the object's document;
	// loops when one iterates (a macro such as all or map).
	readsDoc, loops bool
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
	expr, err := compileExpr(env, envs.fields, params, s.Expression, s.exprAt, cel.BoolType)
	if err != nil {
		return nil, err
	}
	v.program, v.readsDoc, v.loops = expr.program, expr.readsDoc, expr.loops
	if s.MessageExpression != "" {
		msg, err := compileExpr(env, envs.fields, params, s.MessageExpression, s.messageAt, cel.StringType)
		if err != nil {
			return nil, err
		}
		v.messageProgram = msg.program
		v.readsDoc, v.loops = v.readsDoc || msg.readsDoc, v.loops || msg.loops
	}
	return v, nil
}

// compiled is one compiled expression and what it reads.
type compiled struct {
	program         cel.Program
	readsDoc, loops bool
}

// compileExpr compiles one expression of the wanted type (or dyn, whose
// value is checked when it runs) and checks that every params.x it names
// is declared.
func compileExpr(env *cel.Env, fields map[string]*Field, params []Param, src string, at srcPos, want *cel.Type) (compiled, error) {
	checked, iss := env.Compile(src)
	if err := iss.Err(); err != nil {
		line := at.line
		if errs := iss.Errors(); len(errs) > 0 {
			line = at.fileLine(errs[0].Location.Line())
		}
		return compiled{}, errAt(line, "cel: %v", err)
	}
	if out := checked.OutputType(); !out.IsExactType(want) && !out.IsExactType(cel.DynType) {
		return compiled{}, errAt(at.line, "cel: expression gives %s, want %s", out, want)
	}
	nav := ast.NavigateAST(checked.NativeRep())
	if name := undeclaredParam(nav, params); name != "" {
		return compiled{}, errAt(at.line, "cel: params.%s is not a declared parameter", name)
	}
	prg, err := env.Program(checked, programOptions()...)
	if err != nil {
		return compiled{}, errAt(at.line, "cel: %v", err)
	}
	loops := len(ast.MatchDescendants(nav, ast.KindMatcher(ast.ComprehensionKind))) > 0
	return compiled{program: prg, readsDoc: readsDoc(nav, fields), loops: loops}, nil
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
