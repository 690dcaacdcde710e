package workload

import (
	"context"
	"strconv"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// hostNetworkPorts implements Azure Policy's "Kubernetes cluster pods
// should only use approved host network and port list" (version 7, whose
// allowedHostPorts list replaced the min/max range that Gatekeeper's
// k8spsphostnetworkingports keeps): hostNetwork only when allowed, and
// every hostPort of a covered container in the list. A hostPort of 0 is
// unset, as the Pod Security Standards read it.
var hostNetworkPorts = &policy.Rule{
	ID:       "k8s.hostNetworkPorts",
	Title:    "Kubernetes cluster pods should only use approved host network and port list",
	Severity: finding.SeverityMedium, // Defender rates its recommendation medium.
	Rationale: "A pod on the host network reaches services bound to the node's loopback and sees the node's " +
		"traffic; a hostPort binds the node's address, bypassing network policies and exposing the pod " +
		"beyond its Service.",
	Remediation: "Remove hostNetwork and hostPort; expose the pod through a Service instead.",
	References: policy.References{
		Azure: "82985f06-dc18-4a48-bc1c-b9f4f0098cfe",
		CIS:   "5.2.5, 5.2.12",
		URLs:  []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{
		{Name: "allowHostNetwork", Default: false, Doc: "Allow pods to use the host network."},
		{Name: "allowedHostPorts", Default: []string{},
			Doc: "Host ports pods may use, each a port (\"80\") or a range (\"3000-5000\"), written as strings; empty allows none."},
	},
	Check: exceptPodUpdate(checkHostNetworkPorts),
}

func checkHostNetworkPorts(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
	allowed, err := parsePortRanges(in.Params.Strings("allowedHostPorts"))
	if err != nil {
		return nil, err
	}
	pod := in.Object.Pod
	var vs []policy.Violation
	if pod.Spec.HostNetwork && !in.Params.Bool("allowHostNetwork") {
		vs = append(vs, policy.Violation{Path: pod.SpecPath + ".hostNetwork", Message: "the pod uses the host network"})
	}
	for _, c := range in.Containers() {
		for i, p := range c.Ports {
			if p.HostPort != 0 && !inPortRanges(allowed, int(p.HostPort)) {
				vs = append(vs, policy.Violation{Path: c.Field("ports[" + strconv.Itoa(i) + "].hostPort"), Container: c.Name,
					Message: "container " + c.Name + " uses host port " + strconv.Itoa(int(p.HostPort)) + ", which is not allowed"})
			}
		}
	}
	return vs, nil
}
