package workload

import (
	"context"
	"strconv"
	"strings"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	rbacv1 "k8s.io/api/rbac/v1"
)

// blockWildcardRoles implements Azure Policy's "Kubernetes clusters should
// minimize wildcard use in role and cluster role" (template
// block-wildcard-roles v1, CIS 5.1.3): a rule of a Role or ClusterRole
// with a wildcard among its API groups, resources or verbs fails, one
// violation per field. An aggregated ClusterRole's rules are written by
// the controller from the roles it aggregates, which are checked
// themselves.
var blockWildcardRoles = &policy.Rule{
	ID:       "k8s.blockWildcardRoles",
	Title:    "Kubernetes clusters should minimize wildcard use in role and cluster role",
	Severity: finding.SeverityMedium,
	Rationale: "A wildcard grants every present and future resource or verb, including ones added later by CRDs " +
		"and aggregation, so a role's reach grows without anyone editing it.",
	Remediation: "List the API groups, resources and verbs the role needs instead of *.",
	References: policy.References{
		Azure: "ca8d5704-aa2b-40cf-b110-dc19052825ad",
		CIS:   "5.1.3",
		URLs:  []string{"https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege"},
	},
	Effect: policy.EffectAudit,
	Kinds:  []string{"Role", "ClusterRole"},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		var rules []rbacv1.PolicyRule
		switch r := in.Object.Typed.(type) {
		case *rbacv1.Role:
			rules = r.Rules
		case *rbacv1.ClusterRole:
			if r.AggregationRule != nil {
				return nil, nil
			}
			rules = r.Rules
		}
		var vs []policy.Violation
		for i, r := range rules {
			base := "rules[" + strconv.Itoa(i) + "]"
			vs = appendWildcards(vs, base+".apiGroups", r.APIGroups)
			vs = appendWildcards(vs, base+".resources", r.Resources)
			vs = appendWildcards(vs, base+".verbs", r.Verbs)
		}
		return vs, nil
	},
}

func appendWildcards(vs []policy.Violation, path string, items []string) []policy.Violation {
	for j, item := range items {
		if strings.Contains(item, "*") {
			vs = append(vs, policy.Violation{Path: path + "[" + strconv.Itoa(j) + "]",
				Message: "wildcard " + strconv.Quote(item) + " in " + path})
		}
	}
	return vs
}
