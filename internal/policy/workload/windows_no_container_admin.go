package workload

import (
	"context"
	"strings"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// windowsNoContainerAdmin implements Azure Policy's "Kubernetes cluster
// Windows containers should not run as ContainerAdministrator" (Azure's
// windows-block-container-admin template; Gatekeeper's library has no
// counterpart): no covered container may run as ContainerAdministrator,
// set on it or inherited from the pod. Windows user names do not depend
// on case.
var windowsNoContainerAdmin = &policy.Rule{
	ID:       "k8s.windowsNoContainerAdmin",
	Title:    "Kubernetes cluster Windows containers should not run as ContainerAdministrator",
	Severity: finding.SeverityMedium, // as running as root in a Linux container: a boundary remains.
	Rationale: "ContainerAdministrator is the administrator of the Windows container: it can change anything " +
		"inside it and has the most to work with if the isolation fails.",
	Remediation: "Set securityContext.windowsOptions.runAsUserName to ContainerUser (or a dedicated account) on the " +
		"pod or the container.",
	References: policy.References{
		Azure: "5485eac0-7e8f-4964-998b-a44f4f0c1e75",
		URLs:  []string{"https://kubernetes.io/docs/tasks/configure-pod-container/configure-runasusername/"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		var vs []policy.Violation
		for _, c := range in.Containers() {
			if user, path, ok := runAsUserName(in.Object.Pod, c); ok && strings.EqualFold(user, "ContainerAdministrator") {
				vs = append(vs, policy.Violation{Path: path, Container: c.Name,
					Message: "container " + c.Name + " runs as " + user})
			}
		}
		return vs, nil
	}),
}
