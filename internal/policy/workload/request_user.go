package workload

import (
	"slices"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// allowedRequester reports whether the admission request comes from one
// of the users, or a member of one of the groups (patterns may end in
// "*"). Without a request (CI, or an audit of stored objects) nobody is
// allowed, as in Azure's templates, whose audit has no userInfo.
func allowedRequester(req *policy.Request, users, groups []string) bool {
	if req == nil {
		return false
	}
	return policy.MatchAny(users, req.UserName) ||
		slices.ContainsFunc(req.Groups, func(g string) bool { return policy.MatchAny(groups, g) })
}
