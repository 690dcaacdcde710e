// Package pss implements the Pod Security Standards (baseline and
// restricted) as workload rules, one file per upstream check, versioned as
// upstream is: a rule reads Input.PSS and applies the behaviour of that
// version. Rule IDs are "pss." plus the upstream check ID.
package pss

import "github.com/bulwarksec/bulwark/internal/policy"

const (
	baseline   = "baseline"
	restricted = "restricted"
	docURL     = "https://kubernetes.io/docs/concepts/security/pod-security-standards/"
)

// Rules returns the Pod Security Standards checks, baseline first.
func Rules() []*policy.Rule {
	return []*policy.Rule{
		privileged,
	}
}
