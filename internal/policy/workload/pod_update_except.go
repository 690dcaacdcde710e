package workload

import (
	"context"
	"slices"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// exceptPodUpdateBut wraps the check of a rule that reads fields a Pod
// cannot change after creation except through the given subresources
// (container resources through "resize"), so that it does not judge any
// other UPDATE of a Pod: those only edit metadata or add ephemeral
// containers, which cannot carry what the rule reads, and re-judging a
// pod admitted before the rule was enabled would only block them (a
// kubectl debug of a pod without probes, say). Workload kinds are judged
// on UPDATE, as their template is what the next rollout runs.
func exceptPodUpdateBut(check checkFunc, subresources ...string) checkFunc {
	return func(ctx context.Context, in *policy.Input) ([]policy.Violation, error) {
		if r := in.Request; r != nil && r.Operation == "UPDATE" && in.Object.Kind == "Pod" && !slices.Contains(subresources, r.SubResource) {
			return nil, nil
		}
		return check(ctx, in)
	}
}
