package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// allowedUsersGroups implements Azure Policy's "Kubernetes cluster pods
// and containers should only run with approved user and group IDs"
// (Gatekeeper's k8spspallowedusers): runAsUser and runAsGroup of each
// covered container (its own, else the pod's), and the pod's
// supplementalGroups and fsGroup, each under its strategy. Gatekeeper
// reports the pod-level groups once per container; Bulwark reports them
// once, at the pod's field, when the rule covers any container.
var allowedUsersGroups = &policy.Rule{
	ID:       "k8s.allowedUsersGroups",
	Title:    "Kubernetes cluster pods and containers should only run with approved user and group IDs",
	Severity: finding.SeverityHigh, // Defender rates "running containers as root" high.
	Rationale: "A container running as root (UID 0) is root on the node as soon as any isolation fails, and owns " +
		"every file it can reach through volumes; fixed, non-root users and groups limit both.",
	Remediation: "Set securityContext.runAsNonRoot: true and a non-zero runAsUser (and runAsGroup, fsGroup, " +
		"supplementalGroups within the allowed ranges) on the pod or each container.",
	References: policy.References{
		Azure: "f06ddb64-5fa3-4b77-b166-acb36f7f6042",
		CIS:   "5.2.7",
		URLs:  []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Params: usersGroupsParams(),
	Check:  exceptPodUpdate(checkUsersGroups),
}

func usersGroupsParams() []policy.Param {
	ranges := func() map[string]any { return map[string]any{"ranges": []any{}} }
	const rangesDoc = "{\"ranges\": [{\"min\": 1, \"max\": 65535}]}; max -1 means no upper bound; empty allows no value that is set."
	return []policy.Param{
		{Name: "runAsUserRule", Default: mustRunAsNonRoot, Doc: "MustRunAs (in runAsUserRanges), MustRunAsNonRoot (runAsNonRoot or a non-zero runAsUser) or RunAsAny."},
		{Name: "runAsUserRanges", Default: ranges(), Doc: "User IDs for MustRunAs: " + rangesDoc},
		{Name: "runAsGroupRule", Default: runAsAny, Doc: "MustRunAs (set and in range), MayRunAs (in range when set) or RunAsAny."},
		{Name: "runAsGroupRanges", Default: ranges(), Doc: "Group IDs for runAsGroup: " + rangesDoc},
		{Name: "supplementalGroupsRule", Default: runAsAny, Doc: "MustRunAs, MayRunAs or RunAsAny, for the pod's supplementalGroups."},
		{Name: "supplementalGroupsRanges", Default: ranges(), Doc: "Group IDs for supplementalGroups: " + rangesDoc},
		{Name: "fsGroupRule", Default: runAsAny, Doc: "MustRunAs, MayRunAs or RunAsAny, for the pod's fsGroup."},
		{Name: "fsGroupRanges", Default: ranges(), Doc: "Group IDs for fsGroup: " + rangesDoc},
	}
}

// usersGroups is the rule's four settings.
type usersGroups struct{ user, group, supplemental, fs idRule }

func readUsersGroups(in *policy.Input) (usersGroups, error) {
	var ug usersGroups
	var err error
	if ug.user, err = readIDRule(in, "runAsUser", mustRunAs, mustRunAsNonRoot, runAsAny); err != nil {
		return ug, err
	}
	if ug.group, err = readIDRule(in, "runAsGroup", mustRunAs, mayRunAs, runAsAny); err != nil {
		return ug, err
	}
	if ug.supplemental, err = readIDRule(in, "supplementalGroups", mustRunAs, mayRunAs, runAsAny); err != nil {
		return ug, err
	}
	ug.fs, err = readIDRule(in, "fsGroup", mustRunAs, mayRunAs, runAsAny)
	return ug, err
}

func checkUsersGroups(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
	ug, err := readUsersGroups(in)
	if err != nil {
		return nil, err
	}
	pod, cs := in.Object.Pod, in.Containers()
	var vs []policy.Violation
	for _, c := range cs {
		vs = append(vs, userViolations(pod, c, ug.user)...)
		vs = append(vs, groupViolations(pod, c, ug.group)...)
	}
	if len(cs) > 0 {
		vs = append(vs, podGroupViolations(pod, ug)...)
	}
	return vs, nil
}
