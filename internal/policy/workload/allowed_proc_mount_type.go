package workload

import (
	"context"
	"fmt"
	"strings"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// allowedProcMountType implements Azure Policy's "Kubernetes cluster
// containers should only use allowed ProcMountType" (Gatekeeper's
// k8spspprocmount): with procMountType Default a container may only leave
// procMount unset or set it to Default; Unmasked allows both.
var allowedProcMountType = &policy.Rule{
	ID:       "k8s.allowedProcMountType",
	Title:    "Kubernetes cluster containers should only use allowed ProcMountType",
	Severity: finding.SeverityMedium,
	Rationale: "An Unmasked /proc exposes kernel interfaces the runtime normally masks (/proc/kcore, " +
		"/proc/sys, timer and key information) that help an intruder read host memory or tune the " +
		"kernel; Kubernetes only honours it in a user namespace, which limits but does not remove the risk.",
	Remediation: "Remove securityContext.procMount or set it to Default.",
	References: policy.References{
		Azure: "f85eb0dd-92ee-40e9-8a76-db25a507d6d3",
		URLs:  []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{
		{Name: "procMountType", Default: "Default",
			Doc: "The procMount containers may use: Default (only the runtime's masked /proc) or Unmasked (any)."},
	},
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		switch allowed := in.Params.String("procMountType"); {
		case strings.EqualFold(allowed, "Unmasked"):
			return nil, nil
		case !strings.EqualFold(allowed, "Default"):
			return nil, fmt.Errorf("parameter procMountType %q: want Default or Unmasked", allowed)
		}
		var vs []policy.Violation
		for _, c := range in.Containers() {
			if sc := c.SecurityContext; sc != nil && sc.ProcMount != nil && !strings.EqualFold(string(*sc.ProcMount), "Default") {
				vs = append(vs, policy.Violation{Path: c.Field("securityContext.procMount"), Container: c.Name,
					Message: "container " + c.Name + " uses procMount " + string(*sc.ProcMount)})
			}
		}
		return vs, nil
	}),
}
