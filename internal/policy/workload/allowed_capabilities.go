package workload

import (
	"context"
	"sort"
	"strings"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// allowedCapabilities implements Azure Policy's "Kubernetes cluster
// containers should only use allowed capabilities" (Gatekeeper's
// capabilities template): a container may add only listed capabilities
// ("*" allows any) and must drop every required one, or ALL.
var allowedCapabilities = &policy.Rule{
	ID:       "k8s.allowedCapabilities",
	Title:    "Kubernetes cluster containers should only use allowed capabilities",
	Severity: finding.SeverityMedium, // Defender rates its recommendation medium.
	Rationale: "Each Linux capability is a slice of root's power; containers that add few and drop the rest " +
		"leave an intruder less to work with (NET_RAW for spoofing, SYS_PTRACE for reading other processes, " +
		"SYS_ADMIN for nearly everything).",
	Remediation: "Add only the capabilities the process needs under securityContext.capabilities.add and drop " +
		"ALL (or at least the required ones) under securityContext.capabilities.drop.",
	References: policy.References{
		Azure: "c26596ff-4d70-4e6a-9a30-c2506bd2f80c",
		CIS:   "5.2.8, 5.2.9",
		URLs:  []string{"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{
		{Name: "allowedCapabilities", Default: []string{},
			Doc: "Capabilities a container may add; empty allows none, \"*\" allows any."},
		{Name: "requiredDropCapabilities", Default: []string{},
			Doc: "Capabilities every container must drop; dropping ALL satisfies any list."},
	},
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		allowed := capSet(in.Params.Strings("allowedCapabilities"))
		required := in.Params.Strings("requiredDropCapabilities")
		var vs []policy.Violation
		for _, c := range in.Containers() {
			vs = append(vs, unallowedAdds(c, allowed)...)
			if v, ok := missingDrops(c, required); ok {
				vs = append(vs, v)
			}
		}
		return vs, nil
	}),
}

func unallowedAdds(c policy.Container, allowed map[string]bool) []policy.Violation {
	if allowed["*"] {
		return nil
	}
	var vs []policy.Violation
	for i, a := range addedCaps(c) {
		if !allowed[capName(string(a))] {
			vs = append(vs, policy.Violation{Path: addPath(c, i), Container: c.Name,
				Message: "container " + c.Name + " adds capability " + string(a) + ", which is not allowed"})
		}
	}
	return vs
}

// missingDrops returns one violation naming the required capabilities the
// container does not drop.
func missingDrops(c policy.Container, required []string) (policy.Violation, bool) {
	dropped := droppedCaps(c)
	if len(required) == 0 || dropped["ALL"] {
		return policy.Violation{}, false
	}
	missing := map[string]bool{}
	for _, r := range required {
		if !dropped[capName(r)] {
			missing[r] = true
		}
	}
	if len(missing) == 0 {
		return policy.Violation{}, false
	}
	names := make([]string, 0, len(missing))
	for n := range missing {
		names = append(names, n)
	}
	sort.Strings(names)
	return policy.Violation{Path: c.Field("securityContext.capabilities.drop"), Container: c.Name,
		Message: "container " + c.Name + " does not drop " + strings.Join(names, ", ") + " (or ALL)"}, true
}
