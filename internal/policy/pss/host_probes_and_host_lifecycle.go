package pss

import (
	"context"
	"fmt"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
)

// hostProbesAndHostLifecycle is the baseline control on the host field of
// probes and lifecycle handlers, added in v1.34: an httpGet or tcpSocket
// probe or hook may not name another host, which would let the kubelet
// reach addresses on the pod's behalf. Before v1.34 it does not exist.
var hostProbesAndHostLifecycle = &policy.Rule{
	ID:       "pss.hostProbesAndHostLifecycle",
	Title:    "Probes and lifecycle hooks may not target another host",
	Severity: finding.SeverityMedium,
	Rationale: "The kubelet runs httpGet and tcpSocket probes and hooks from the node; a host field " +
		"turns them into requests from the node to any address.",
	Remediation: "Remove the host field of httpGet and tcpSocket probes and lifecycle handlers (the pod's IP is used).",
	References:  policy.References{PSS: "Probes / Lifecycle Hooks (baseline)", URLs: []string{docURL + "#baseline"}},
	Level:       baseline,
	Kinds:       policy.PodKinds(),
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		if !in.PSS.AtLeast(34) {
			return nil, nil
		}
		var vs []policy.Violation
		for _, c := range in.Containers() {
			for _, h := range handlers(c) {
				vs = append(vs, hostViolations(c, h)...)
			}
		}
		return vs, nil
	},
}

// handler is one probe or lifecycle hook of a container, by its field name.
type handler struct {
	field string
	http  *corev1.HTTPGetAction
	tcp   *corev1.TCPSocketAction
}

func handlers(c policy.Container) []handler {
	var out []handler
	for _, p := range []struct {
		field string
		probe *corev1.Probe
	}{{"livenessProbe", c.LivenessProbe}, {"readinessProbe", c.ReadinessProbe}, {"startupProbe", c.StartupProbe}} {
		if p.probe != nil {
			out = append(out, handler{p.field, p.probe.HTTPGet, p.probe.TCPSocket})
		}
	}
	if l := c.Lifecycle; l != nil {
		if l.PostStart != nil {
			out = append(out, handler{"lifecycle.postStart", l.PostStart.HTTPGet, l.PostStart.TCPSocket})
		}
		if l.PreStop != nil {
			out = append(out, handler{"lifecycle.preStop", l.PreStop.HTTPGet, l.PreStop.TCPSocket})
		}
	}
	return out
}

func hostViolations(c policy.Container, h handler) []policy.Violation {
	var vs []policy.Violation
	if h.http != nil && h.http.Host != "" {
		vs = append(vs, containerViolation(c, h.field+".httpGet.host", fmt.Sprintf("uses probe or lifecycle host %q", h.http.Host)))
	}
	if h.tcp != nil && h.tcp.Host != "" {
		vs = append(vs, containerViolation(c, h.field+".tcpSocket.host", fmt.Sprintf("uses probe or lifecycle host %q", h.tcp.Host)))
	}
	return vs
}
