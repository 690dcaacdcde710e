package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/bulwarksec/bulwark/internal/imagehealth"
	"github.com/bulwarksec/bulwark/internal/policy"
	"github.com/bulwarksec/bulwark/internal/policy/builtin"
)

// evalOnly times the rule engines alone on the pod, with decoding done
// beforehand on both sides: Bulwark's engine with every built-in rule on
// an Object decoded once, OPA's four prepared queries on the review
// converted to its value once. It isolates what each engine costs per
// rule set from the JSON work both must also do.
func evalOnly(ctx context.Context, gk *gatekeeper, podReview []byte, d time.Duration) (bulwark, opa time.Duration, err error) {
	var ar struct {
		Request struct {
			Object json.RawMessage `json:"object"`
		} `json:"request"`
	}
	var raw struct {
		Request map[string]any `json:"request"`
	}
	if err := json.Unmarshal(podReview, &ar); err != nil {
		return 0, 0, err
	}
	if err := json.Unmarshal(podReview, &raw); err != nil {
		return 0, 0, err
	}
	obj, err := policy.Decode(ar.Request.Object)
	if err != nil {
		return 0, 0, err
	}
	images, err := imagehealth.New(&policy.ImageHealthConfig{VerdictDir: "/nonexistent-admissionvs"}, "")
	if err != nil {
		return 0, 0, err
	}
	e, err := policy.New(builtin.Rules(), builtin.EveryRuleConfig(), policy.Options{Images: images})
	if err != nil {
		return 0, 0, err
	}
	req := &policy.Request{Operation: "CREATE", UserName: benchUser.Username, Groups: benchUser.Groups}
	bulwark = timeLoop(d/2, func() error {
		if n := len(e.Evaluate(ctx, obj, req)); n == 0 {
			return fmt.Errorf("no rule ran")
		}
		return nil
	})
	review, err := ast.InterfaceToValue(raw.Request)
	if err != nil {
		return 0, 0, err
	}
	var evalErr error
	opa = timeLoop(d/2, func() error {
		for _, q := range gk.queries {
			input := ast.NewObject([2]*ast.Term{ast.StringTerm("review"), ast.NewTerm(review)},
				[2]*ast.Term{ast.StringTerm("parameters"), ast.NewTerm(q.params)})
			if _, err := q.query.Eval(ctx, rego.EvalParsedInput(input)); err != nil {
				evalErr = err
				return err
			}
		}
		return nil
	})
	return bulwark, opa, evalErr
}

// timeLoop runs fn for about d and returns its mean time.
func timeLoop(d time.Duration, fn func() error) time.Duration {
	start, n := time.Now(), 0
	for time.Since(start) < d {
		if fn() != nil {
			return 0
		}
		n++
	}
	return time.Since(start) / time.Duration(n)
}
