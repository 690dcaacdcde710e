package workload

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// capName normalises a capability name as container runtimes read it:
// case does not matter and the "CAP_" prefix is optional, so "cap_sys_admin"
// and "SYS_ADMIN" grant the same capability. Gatekeeper's templates only
// fold case; Bulwark folds the prefix too, so that spelling a capability
// the long way does not slip past a rule.
func capName(s string) string {
	s = strings.ToUpper(s)
	return strings.TrimPrefix(s, "CAP_")
}

// capSet returns the normalised names of a list.
func capSet(names []string) map[string]bool {
	set := make(map[string]bool, len(names))
	for _, n := range names {
		set[capName(n)] = true
	}
	return set
}

// addedCaps returns the capabilities a container adds, as written.
func addedCaps(c policy.Container) []corev1.Capability {
	if c.SecurityContext == nil || c.SecurityContext.Capabilities == nil {
		return nil
	}
	return c.SecurityContext.Capabilities.Add
}

// droppedCaps returns the normalised capabilities a container drops.
func droppedCaps(c policy.Container) map[string]bool {
	if c.SecurityContext == nil || c.SecurityContext.Capabilities == nil {
		return nil
	}
	set := make(map[string]bool, len(c.SecurityContext.Capabilities.Drop))
	for _, d := range c.SecurityContext.Capabilities.Drop {
		set[capName(string(d))] = true
	}
	return set
}

// addPath is the field path of the i-th added capability.
func addPath(c policy.Container, i int) string {
	return c.Field("securityContext.capabilities.add[" + strconv.Itoa(i) + "]")
}

// forbiddenAdds returns a violation for each capability the container adds
// that is in the forbidden set. Adding ALL grants every capability, so it
// is forbidden whenever anything is; "*" in the set forbids every add.
func forbiddenAdds(c policy.Container, forbidden map[string]bool) []policy.Violation {
	var vs []policy.Violation
	for i, a := range addedCaps(c) {
		n := capName(string(a))
		if forbidden[n] || forbidden["*"] || (n == "ALL" && len(forbidden) > 0) {
			vs = append(vs, policy.Violation{Path: addPath(c, i), Container: c.Name,
				Message: "container " + c.Name + " adds capability " + string(a)})
		}
	}
	return vs
}
