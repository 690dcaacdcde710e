package workload

import (
	"context"
	"strings"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// windowsDefaultUser is the user a Windows container runs as when nothing
// names one, as Azure's definition documents it.
const windowsDefaultUser = "ContainerUser"

// windowsAllowedUserNames implements Azure Policy's "Kubernetes cluster
// Windows containers should only run with approved user and domain user
// group" (Azure's windows-container-allowed-usernames template; no
// Gatekeeper library counterpart). Each covered container of a Windows pod
// (spec.os.name or the kubernetes.io/os node selector, or any
// runAsUserName, which only Windows reads) must run as a listed user,
// compared without case; "DOMAIN\*" allows a domain's users. A container
// that names no user runs as ContainerUser. Azure makes the list required;
// left unset the rule judges nothing, an empty list refuses every Windows
// container.
var windowsAllowedUserNames = &policy.Rule{
	ID:       "k8s.windowsAllowedUserNames",
	Title:    "Kubernetes cluster Windows containers should only run with approved user and domain user group",
	Severity: finding.SeverityMedium,
	Rationale: "Pinning the accounts Windows containers run as keeps workloads off ContainerAdministrator and off " +
		"domain accounts (through gMSA) that were not meant for them.",
	Remediation: "Set securityContext.windowsOptions.runAsUserName to an approved user on the pod or the container.",
	References: policy.References{
		Azure: "57dde185-5c62-4063-b965-afbb201e9c1c",
		URLs:  []string{"https://kubernetes.io/docs/tasks/configure-pod-container/configure-runasusername/"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{
		{Name: "allowedUserNames", Default: []string(nil),
			Doc: "Users Windows containers may run as (\"ContainerUser\", \"DOMAIN\\\\*\" for a domain's users); empty allows none. Unset judges nothing."},
	},
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		allowed := in.Params.Strings("allowedUserNames")
		pod := in.Object.Pod
		if allowed == nil || !windowsUsers(pod) {
			return nil, nil
		}
		var vs []policy.Violation
		for _, c := range in.Containers() {
			user, path, ok := runAsUserName(pod, c)
			if !ok {
				user, path = windowsDefaultUser, c.Field("securityContext.windowsOptions.runAsUserName")
			}
			if !userAllowed(allowed, user) {
				vs = append(vs, policy.Violation{Path: path, Container: c.Name,
					Message: "container " + c.Name + " runs as " + user + ", which is not an approved user"})
			}
		}
		return vs, nil
	}),
}

// windowsUsers reports whether the pod is a Windows pod or names a Windows
// user anywhere.
func windowsUsers(pod *policy.Pod) bool {
	if isWindowsPod(pod.Spec) {
		return true
	}
	for _, c := range pod.AllContainers() {
		if _, _, ok := runAsUserName(pod, c); ok {
			return true
		}
	}
	return false
}

func userAllowed(allowed []string, user string) bool {
	for _, a := range allowed {
		if policy.MatchPattern(strings.ToLower(a), strings.ToLower(user)) {
			return true
		}
	}
	return false
}
