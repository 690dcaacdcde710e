package workload

import (
	"context"
	"slices"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// checkFunc is the signature of a rule's Check.
type checkFunc = func(context.Context, *policy.Input) ([]policy.Violation, error)

// exceptPodUpdate wraps a pod rule's check so that it does not judge a Pod
// on UPDATE. The security fields these rules read are immutable once a pod
// exists, so a pod UPDATE is an edit of its metadata (labels, finalizers,
// a controller's status bookkeeping) and re-judging a pod admitted before
// the rule was enabled would only block that edit. Gatekeeper's templates,
// which Azure Policy runs, skip UPDATE for the same reason. Workload kinds
// are still judged on UPDATE: their pod template is what the next rollout
// will run. So is an UPDATE of the ephemeralcontainers subresource, the
// one way a running pod gains a container (kubectl debug), which
// Gatekeeper's blanket skip lets through.
func exceptPodUpdate(check checkFunc) checkFunc {
	return exceptPodUpdateBut(check, "ephemeralcontainers")
}

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
