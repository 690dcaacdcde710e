package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// disallowedBadPodDisruptionBudgets implements the part of Azure Policy's
// "Kubernetes cluster should implement accurate Pod Disruption Budgets"
// (template disallowed-bad-pod-disruption-budgets v2, Gatekeeper's
// poddisruptionbudget) that the budget alone decides: a budget that allows
// no voluntary disruption, maxUnavailable 0 (or "0%") or minAvailable
// "100%". The template's other checks compare a budget's minAvailable with
// the replicas of the workloads it selects, which needs the cluster's
// other objects (Gatekeeper's synced inventory) that Bulwark does not hold
// at admission. Unlike the templates, "0%" counts as zero.
var disallowedBadPodDisruptionBudgets = &policy.Rule{
	ID:       "k8s.disallowedBadPodDisruptionBudgets",
	Title:    "Kubernetes cluster should implement accurate Pod Disruption Budgets",
	Severity: finding.SeverityLow,
	Rationale: "A budget that allows no disruption blocks every node drain, so node upgrades and security patches " +
		"stall until someone deletes the budget by hand.",
	Remediation: "Allow at least one pod to be disrupted: maxUnavailable of 1 or more, or minAvailable below the replica count.",
	References: policy.References{
		Azure: "d9e8f2c1-4c5a-4f5c-8b5a-2abf1e9f7b4d",
		URLs:  []string{"https://kubernetes.io/docs/tasks/run-application/configure-pdb/"},
	},
	Effect: policy.EffectAudit,
	Kinds:  []string{"PodDisruptionBudget"},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		pdb := in.Object.Typed.(*policyv1.PodDisruptionBudget)
		if m := pdb.Spec.MaxUnavailable; m != nil && isZero(*m) {
			return []policy.Violation{{Path: "spec.maxUnavailable",
				Message: "PodDisruptionBudget " + pdb.Name + " has maxUnavailable " + m.String() + ": no pod may ever be evicted"}}, nil
		}
		if m := pdb.Spec.MinAvailable; m != nil && m.Type == intstr.String && m.StrVal == "100%" {
			return []policy.Violation{{Path: "spec.minAvailable",
				Message: "PodDisruptionBudget " + pdb.Name + " has minAvailable 100%: no pod may ever be evicted"}}, nil
		}
		return nil, nil
	},
}

func isZero(v intstr.IntOrString) bool {
	if v.Type == intstr.Int {
		return v.IntVal == 0
	}
	return v.StrVal == "0%" || v.StrVal == "0"
}
