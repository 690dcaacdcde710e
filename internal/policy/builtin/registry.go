// Package builtin lists every built-in workload rule: the Pod Security
// Standards and the best-practice rules.
package builtin

import (
	"github.com/bulwarksec/bulwark/internal/policy"
	"github.com/bulwarksec/bulwark/internal/policy/pss"
	"github.com/bulwarksec/bulwark/internal/policy/workload"
)

// Rules returns every built-in rule: Pod Security Standards first.
func Rules() []*policy.Rule {
	return append(pss.Rules(), workload.Rules()...)
}
