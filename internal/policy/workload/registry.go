// Package workload holds Bulwark's built-in best-practice rules for
// Kubernetes objects: the validating data-plane definitions of Azure
// Policy for Kubernetes (each rule carries its definition ID), written as
// Go over the typed objects. Each rule is one file, with its cases in
// testdata/cases/<rule ID>.yaml, and is listed here.
package workload

import "github.com/bulwarksec/bulwark/internal/policy"

// Rules returns the package's rules, in the order they are evaluated.
func Rules() []*policy.Rule {
	return []*policy.Rule{
		noPrivilege,
		noPrivilegeEscalation,
		blockHostNamespace,
		hostNetworkPorts,
		allowedHostPaths,
		allowedCapabilities,
		disallowedCapabilities,
		noSysAdminCapability,
		allowedUsersGroups,
		readOnlyRootFilesystem,
		allowedSeccompProfiles,
		allowedAppArmorProfiles,
		seLinux,
		allowedProcMountType,
		allowedSysctls,
		forbiddenSysctls,
		allowedVolumeTypes,
		allowedFlexVolumeDrivers,
		noAutomountToken,
		windowsNoHostProcess,
		windowsNoContainerAdmin,
		windowsAllowedUserNames,
		// Azure Policy's general (non security-context) definitions.
		allowedImages,
		imagesDoNotUseLatest,
		allowedPullPolicy,
		restrictedImagePulls,
		resourceLimits,
		resourceRequests,
		windowsContainerResourceLimits,
		enforceProbes,
		enforcePreStopHook,
		mustHaveAntiAffinityRulesSet,
		podEnforceLabels,
		blockDefaultNamespace,
		blockNakedPods,
		blockAdminRolebindings,
		blockWildcardRoles,
		blockEndpointEditDefaultRole,
		allowedExternalIPs,
		serviceAllowedPorts,
		loadbalancerNoPublicIPs,
		ingressHttpsOnly,
		requireIngressHost,
		enforceResourceAnnotation,
		blockResource,
		noAKSSpecificLabels,
		cannotEditIndividualNodes,
		reservedSystemPoolTaints,
		enforceCSIDriver,
		disallowedBadPodDisruptionBudgets,
		// Image gating: need an image-health source (policy.Options.Images).
		imageUnhealthy,
		imageNotScanned,
	}
}
