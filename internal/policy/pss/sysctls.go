package pss

import (
	"context"
	"fmt"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	"k8s.io/apimachinery/pkg/util/sets"
)

// sysctls is the baseline control "Sysctls": only the namespaced sysctls
// upstream deems safe may be set. The safe set grows with the version.
var sysctls = &policy.Rule{
	ID:       "pss.sysctls",
	Title:    "Unsafe sysctls are disallowed",
	Severity: finding.SeverityMedium,
	Rationale: "Sysctls outside the safe, namespaced set can disable security mechanisms or " +
		"affect every container on the node.",
	Remediation: "Remove from spec.securityContext.sysctls every sysctl outside the safe set of the enforced version.",
	References:  policy.References{PSS: "Sysctls (baseline)", URLs: []string{docURL + "#baseline"}},
	Level:       baseline,
	Kinds:       policy.PodKinds(),
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		sc := in.Object.Pod.Spec.SecurityContext
		if sc == nil {
			return nil, nil
		}
		var vs []policy.Violation
		for i, s := range sc.Sysctls {
			if !safeSysctl(in.PSS, s.Name) {
				vs = append(vs, podViolation(in, index("securityContext.sysctls", i)+".name",
					fmt.Sprintf("must not set forbidden sysctl %q", s.Name)))
			}
		}
		return vs, nil
	},
}

// safeSysctlsSince lists the sysctls each version added to the safe set.
var safeSysctlsSince = []struct {
	minor int
	names sets.Set[string]
}{
	{37, sets.New("net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat")},
	{32, sets.New("net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem")},
	{29, sets.New("net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes")},
	{27, sets.New("net.ipv4.ip_local_reserved_ports")},
	{0, sets.New("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
		"net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start")},
}

// safeSysctl reports whether name is in the safe set of version v: added
// by v or an earlier version.
func safeSysctl(v policy.Version, name string) bool {
	for _, s := range safeSysctlsSince {
		if v.AtLeast(s.minor) && s.names.Has(name) {
			return true
		}
	}
	return false
}
