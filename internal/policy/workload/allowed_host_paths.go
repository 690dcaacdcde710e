package workload

import (
	"context"
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// allowedHostPaths implements Azure Policy's "Kubernetes cluster pod
// hostPath volumes should only use allowed host paths" (Gatekeeper's
// k8spsphostfilesystem): a hostPath volume must lie under an allowed
// prefix, and under a read-only one only if every container mounts it read
// only. Windows pods are held to windowsAllowedHostPaths. A volume that
// only excluded containers mount is left to them.
var allowedHostPaths = &policy.Rule{
	ID:       "k8s.allowedHostPaths",
	Title:    "Kubernetes cluster pod hostPath volumes should only use allowed host paths",
	Severity: finding.SeverityHigh,
	Rationale: "A hostPath volume is the node's filesystem inside the container: the container runtime's socket, " +
		"the kubelet's credentials or /etc are each a path to owning the node, so only known, preferably " +
		"read-only, paths should be mounted.",
	Remediation: "Replace the hostPath volume by a persistentVolumeClaim, emptyDir or CSI volume, or restrict it to an " +
		"allowed path and mount it with readOnly: true.",
	References: policy.References{
		Azure: "098fc59e-46c7-4d99-9b16-64990e543d75",
		CIS:   "5.2.11",
		URLs:  []string{"https://kubernetes.io/docs/concepts/storage/volumes/#hostpath"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{
		{Name: "allowedHostPaths", Default: map[string]any{"paths": []any{}},
			Doc: "{\"paths\": [{\"pathPrefix\": \"/var/log\", \"readOnly\": true}]}: host path prefixes Linux pods may mount; empty allows none."},
		{Name: "windowsAllowedHostPaths", Default: map[string]any{"paths": []any{}},
			Doc: "The same for Windows pods (spec.os.name or nodeSelector kubernetes.io/os: windows); \"C:\\\\\" allows all."},
	},
	Check: exceptPodUpdate(checkHostPaths),
}

type hostPathList struct {
	Paths []hostPathPrefix `json:"paths"`
}

func checkHostPaths(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
	pod := in.Object.Pod
	if !slices.ContainsFunc(pod.Spec.Volumes, func(v corev1.Volume) bool { return v.HostPath != nil }) {
		return nil, nil
	}
	windows := isWindowsPod(pod.Spec)
	param := "allowedHostPaths"
	if windows {
		param = "windowsAllowedHostPaths"
	}
	var allowed hostPathList
	if err := decodeParam(in, param, &allowed); err != nil {
		return nil, err
	}
	mounts := hostPathMounts(pod, in.Containers())
	var vs []policy.Violation
	for i, v := range pod.Spec.Volumes {
		m, judged := mounts[v.Name]
		if v.HostPath == nil || !judged || hostPathAllowed(allowed.Paths, v.HostPath.Path, m.writable, windows) {
			continue
		}
		vs = append(vs, policy.Violation{Path: pod.SpecPath + ".volumes[" + strconv.Itoa(i) + "].hostPath.path",
			Message: "volume " + v.Name + " mounts host path " + v.HostPath.Path + m.describe()})
	}
	return vs, nil
}

func hostPathAllowed(allowed []hostPathPrefix, path string, writable, windows bool) bool {
	for _, a := range allowed {
		if under(a.PathPrefix, path, windows) && (!a.ReadOnly || !writable) {
			return true
		}
	}
	return false
}
