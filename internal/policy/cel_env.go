package policy

import (
	"fmt"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/checker"
	"github.com/google/cel-go/ext"
	"github.com/google/cel-go/interpreter"
)

// Limits on what one custom rule expression may cost, so that a hostile or
// careless rule cannot hang the webhook.
const (
	// CELCostLimit is the most one evaluation of an expression may cost,
	// in cel-go's cost units (about one per value visited); it is
	// Kubernetes' per-expression limit. Past it the evaluation stops with
	// an error and the rule reports status error.
	CELCostLimit = 1_000_000
	// CELLoopTimeout bounds one custom rule's evaluation on one object when
	// its expressions iterate. cel-go's cost tracking (v0.29) rescans its
	// stack on every step of a loop, so a loop's time grows with the square
	// of its length: a rule iterating 10,000 items stays under the cost
	// limit yet takes about 100 ms, and a nested loop at the cost limit
	// takes seconds. The deadline bounds that, with room for a loop over a
	// few thousand items on a busy node; loop-free expressions are bounded
	// by the cost limit alone.
	CELLoopTimeout = 50 * time.Millisecond
	// celInterruptEvery is how many comprehension iterations run between
	// checks of the context, which a quadratic loop needs often.
	celInterruptEvery = 10
	// celMaxRange bounds lists.range(n), which allocates before its cost
	// is counted.
	celMaxRange = 10_000
	// celMaxExpression is the longest expression source, in code points.
	celMaxExpression = 10_000
)

// celEnvs are the two CEL environments custom rules compile in: one for
// object rules, one for container rules, which also see the per-container
// fields.
type celEnvs struct {
	object, container *cel.Env
	fields            map[string]*Field
}

func newCELEnvs() (*celEnvs, error) {
	e := &celEnvs{fields: make(map[string]*Field, len(vocabulary))}
	for i := range vocabulary {
		e.fields[vocabulary[i].Name] = &vocabulary[i]
	}
	var err error
	if e.object, err = cel.NewEnv(append(baseEnv(), declare(false)...)...); err != nil {
		return nil, fmt.Errorf("cel environment: %w", err)
	}
	if e.container, err = cel.NewEnv(append(baseEnv(), declare(true)...)...); err != nil {
		return nil, fmt.Errorf("cel environment: %w", err)
	}
	return e, nil
}

// baseEnv is the language as Kubernetes' CEL base environment sets it up
// (homogeneous literals, UTC, cross-type numeric comparisons, optional
// types, literal validators, the strings, sets and two-variable
// comprehension libraries), plus cel-go's lists library. The strings and
// lists libraries are at the first versions whose functions count their
// cost, so the cost limit covers them too.
func baseEnv() []cel.EnvOption {
	return []cel.EnvOption{
		cel.HomogeneousAggregateLiterals(),
		cel.EagerlyValidateDeclarations(true),
		cel.DefaultUTCTimeZone(true),
		cel.CrossTypeNumericComparisons(true),
		cel.OptionalTypes(),
		cel.ASTValidators(cel.ValidateDurationLiterals(), cel.ValidateTimestampLiterals(),
			cel.ValidateRegexLiterals(), cel.ValidateHomogeneousAggregateLiterals()),
		ext.Strings(ext.StringsVersion(5)),
		ext.Sets(),
		ext.TwoVarComprehensions(),
		ext.Lists(ext.ListsVersion(3), ext.ListsMaxRangeSize(celMaxRange)),
		cel.CostEstimatorOptions(checker.PresenceTestHasCost(false)),
		cel.ParserExpressionSizeLimit(celMaxExpression),
	}
}

// programOptions bound every evaluation: cost tracked and limited, and the
// request's context checked inside comprehensions.
func programOptions() []cel.ProgramOption {
	return []cel.ProgramOption{
		cel.EvalOptions(cel.OptOptimize, cel.OptTrackCost),
		cel.CostLimit(CELCostLimit),
		cel.CostTrackerOptions(interpreter.PresenceTestHasCost(false)),
		cel.InterruptCheckFrequency(celInterruptEvery),
	}
}
