package workload

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// The strategies of Azure's (and PodSecurityPolicy's) user and group
// parameters.
const (
	runAsAny         = "RunAsAny"
	mustRunAs        = "MustRunAs"
	mayRunAs         = "MayRunAs"
	mustRunAsNonRoot = "MustRunAsNonRoot"
)

// idRange is an inclusive range of IDs; Max -1 means no upper bound, as
// Azure's parameters allow.
type idRange struct {
	Min int64 `json:"min"`
	Max int64 `json:"max"`
}

// idRule is one of the allowed users and groups rule's four settings: a
// strategy with its ranges.
type idRule struct {
	strategy string
	ranges   []idRange
}

// readIDRule reads the "<field>Rule" and "<field>Ranges" parameters
// ({"ranges": [{"min": 1, "max": 65535}]}) and checks the strategy is one
// the field accepts.
func readIDRule(in *policy.Input, field string, strategies ...string) (idRule, error) {
	r := idRule{strategy: in.Params.String(field + "Rule")}
	if !slices.Contains(strategies, r.strategy) {
		return r, fmt.Errorf("parameter %sRule %q: want one of %v", field, r.strategy, strategies)
	}
	if r.strategy == runAsAny || r.strategy == mustRunAsNonRoot {
		return r, nil // no ranges to read: the common case costs no decoding
	}
	var list struct {
		Ranges []idRange `json:"ranges"`
	}
	if err := decodeParam(in, field+"Ranges", &list); err != nil {
		return r, err
	}
	r.ranges = list.Ranges
	return r, nil
}

// allows reports whether an ID is in one of the ranges; no ranges allow
// nothing, so MustRunAs and MayRunAs without ranges refuse any value set.
func (r idRule) allows(id int64) bool {
	for _, rg := range r.ranges {
		if id >= rg.Min && (rg.Max == -1 || id <= rg.Max) {
			return true
		}
	}
	return false
}

// judge checks one value of the field: set says whether the pod sets it.
// It returns what is wrong, or "" when the value is allowed.
func (r idRule) judge(id int64, set bool) string {
	switch {
	case r.strategy == runAsAny:
		return ""
	case !set && r.strategy == mustRunAs:
		return "is not set; it must be in " + r.describe()
	case set && !r.allows(id):
		return "is " + strconv.FormatInt(id, 10) + ", outside " + r.describe()
	}
	return ""
}

func (r idRule) describe() string {
	if len(r.ranges) == 0 {
		return "the allowed ranges (none are allowed)"
	}
	return fmt.Sprintf("the allowed ranges %v", r.ranges)
}
