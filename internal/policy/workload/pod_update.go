package workload

import (
	"context"

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
	return func(ctx context.Context, in *policy.Input) ([]policy.Violation, error) {
		if r := in.Request; r != nil && r.Operation == "UPDATE" && in.Object.Kind == "Pod" && r.SubResource != "ephemeralcontainers" {
			return nil, nil
		}
		return check(ctx, in)
	}
}
