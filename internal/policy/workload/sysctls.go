package workload

import (
	"strconv"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// sysctlViolations returns a violation for each sysctl the pod sets that
// bad reports, with bad's reason.
func sysctlViolations(pod *policy.Pod, bad func(name string) (string, bool)) []policy.Violation {
	sc := pod.Spec.SecurityContext
	if sc == nil {
		return nil
	}
	var vs []policy.Violation
	for i, s := range sc.Sysctls {
		if why, ok := bad(s.Name); ok {
			vs = append(vs, policy.Violation{Path: pod.SpecPath + ".securityContext.sysctls[" + strconv.Itoa(i) + "].name",
				Message: "the pod sets sysctl " + s.Name + ", which " + why})
		}
	}
	return vs
}
