// Package pss implements the Pod Security Standards (baseline and
// restricted) as workload rules, one file per upstream check, versioned as
// upstream is: a rule reads Input.PSS and applies the behaviour of that
// version, and a check that upstream adds at a version passes before it.
// Rule IDs are "pss." plus the upstream check ID. A restricted rule that
// upstream lets replace a baseline check (restrictedVolumes for
// hostPathVolumes, seccompProfile_restricted, capabilities_restricted,
// procMount_restricted) declares it in Overrides, and the engine then runs
// only the restricted rule at the restricted level, as Pod Security
// Admission does.
package pss

import "github.com/bulwarksec/bulwark/internal/policy"

const (
	baseline   = "baseline"
	restricted = "restricted"
	docURL     = "https://kubernetes.io/docs/concepts/security/pod-security-standards/"
)

// Rules returns the Pod Security Standards checks, baseline first, each
// level in the order of upstream's check IDs.
func Rules() []*policy.Rule {
	return []*policy.Rule{
		appArmorProfile,
		capabilitiesBaseline,
		hostNamespaces,
		hostPathVolumes,
		hostPorts,
		hostProbesAndHostLifecycle,
		privileged,
		procMount,
		seLinuxOptions,
		seccompProfileBaseline,
		sysctls,
		windowsHostProcess,

		allowPrivilegeEscalation,
		capabilitiesRestricted,
		procMountRestricted,
		restrictedVolumes,
		runAsNonRoot,
		runAsUser,
		seccompProfileRestricted,
	}
}
