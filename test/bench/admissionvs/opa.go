package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"
)

// gatekeeper evaluates Gatekeeper library templates' Rego with OPA, one
// prepared query per template, with its constraint's parameters, as
// Gatekeeper's Rego engine evaluates a review against its constraints.
type gatekeeper struct {
	queries []gkQuery
}

type gkQuery struct {
	name   string
	query  rego.PreparedEvalQuery
	params ast.Value
}

// template is the part of a ConstraintTemplate this reads: the Rego (at
// the target, or in its code list for templates that also carry CEL) and
// its libs.
type template struct {
	Spec struct {
		Targets []struct {
			Rego string   `json:"rego"`
			Libs []string `json:"libs"`
			Code []struct {
				Engine string `json:"engine"`
				Source struct {
					Rego string   `json:"rego"`
					Libs []string `json:"libs"`
				} `json:"source"`
			} `json:"code"`
		} `json:"targets"`
	} `json:"spec"`
}

func loadGatekeeper(ctx context.Context, dir string) (*gatekeeper, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*", "template.yaml"))
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("no templates under %s", dir)
	}
	gk := &gatekeeper{}
	for _, name := range names {
		q, err := loadTemplate(ctx, filepath.Dir(name))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		gk.queries = append(gk.queries, q)
	}
	return gk, nil
}

func loadTemplate(ctx context.Context, dir string) (gkQuery, error) {
	var t template
	if err := readYAML(filepath.Join(dir, "template.yaml"), &t); err != nil {
		return gkQuery{}, err
	}
	var c struct {
		Spec struct {
			Parameters any `json:"parameters"`
		} `json:"spec"`
	}
	if err := readYAML(filepath.Join(dir, "constraint.yaml"), &c); err != nil {
		return gkQuery{}, err
	}
	if len(t.Spec.Targets) == 0 {
		return gkQuery{}, fmt.Errorf("no target")
	}
	tg := t.Spec.Targets[0]
	src, libs := tg.Rego, tg.Libs
	for _, code := range tg.Code {
		if code.Engine == "Rego" {
			src, libs = code.Source.Rego, code.Source.Libs
		}
	}
	mod, err := ast.ParseModuleWithOpts("template.rego", src, ast.ParserOptions{RegoVersion: ast.RegoV0})
	if err != nil {
		return gkQuery{}, err
	}
	opts := []func(*rego.Rego){
		rego.Query("data." + mod.Package.Path[1:].String() + ".violation"),
		rego.SetRegoVersion(ast.RegoV0),
		rego.Module("template.rego", src),
	}
	for i, l := range libs {
		opts = append(opts, rego.Module(fmt.Sprintf("lib%d.rego", i), l))
	}
	pq, err := rego.New(opts...).PrepareForEval(ctx)
	if err != nil {
		return gkQuery{}, err
	}
	params := c.Spec.Parameters
	if filepath.Base(dir) == "allowedrepos" {
		// The library's sample allows openpolicyagent/ images; the
		// benchmark's workload comes from its own registry, which
		// Bulwark's allowed-images rule is not told about either.
		params = map[string]any{"repos": []any{"registry.example.com/"}}
	}
	pv, err := ast.InterfaceToValue(params)
	if err != nil {
		return gkQuery{}, err
	}
	return gkQuery{name: filepath.Base(dir), query: pq, params: pv}, nil
}

func readYAML(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return yaml.Unmarshal(data, v)
}

// review evaluates one AdmissionReview (its raw JSON, decoded here as
// Gatekeeper decodes it) against every template and returns the
// violation messages. The review is converted to OPA's value once and
// shared by every template's input, as Gatekeeper evaluates one review
// against all its constraints.
func (gk *gatekeeper) review(ctx context.Context, body []byte) (types.UID, []string, error) {
	var ar struct {
		Request map[string]any `json:"request"`
	}
	if err := json.Unmarshal(body, &ar); err != nil {
		return "", nil, err
	}
	uid, _ := ar.Request["uid"].(string)
	review, err := ast.InterfaceToValue(ar.Request)
	if err != nil {
		return "", nil, err
	}
	var msgs []string
	for _, q := range gk.queries {
		input := ast.NewObject([2]*ast.Term{ast.StringTerm("review"), ast.NewTerm(review)},
			[2]*ast.Term{ast.StringTerm("parameters"), ast.NewTerm(q.params)})
		rs, err := q.query.Eval(ctx, rego.EvalParsedInput(input))
		if err != nil {
			return "", nil, fmt.Errorf("%s: %w", q.name, err)
		}
		for _, r := range rs {
			for _, e := range r.Expressions {
				set, _ := e.Value.([]any)
				for _, v := range set {
					m, _ := v.(map[string]any)
					msgs = append(msgs, fmt.Sprint(m["msg"]))
				}
			}
		}
	}
	return types.UID(uid), msgs, nil
}
