package workload

import (
	"context"
	"fmt"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
)

// enforceProbes implements Azure Policy's "Ensure cluster containers have
// readiness or liveness probes configured" (template
// container-enforce-probes v2, Gatekeeper's requiredprobes): each regular
// container has every required probe, with a handler. Init containers are
// not checked, as in Azure's template. A gRPC handler counts, which the
// templates' list (tcpSocket, httpGet, exec) predates. No UPDATE of a Pod
// is judged, as in Gatekeeper's template: a pod's probes cannot change.
var enforceProbes = &policy.Rule{
	ID:       "k8s.enforceProbes",
	Title:    "Ensure cluster containers have readiness or liveness probes configured",
	Severity: finding.SeverityLow,
	Rationale: "Without a readiness probe a Service sends traffic to pods that cannot serve it; without a liveness probe " +
		"a hung process is never restarted.",
	Remediation: "Add the required probes (by default readinessProbe and livenessProbe) with an httpGet, tcpSocket, exec or grpc handler.",
	References: policy.References{
		Azure: "b1a9997f-2883-4f12-bdff-2280f99b5915",
		URLs:  []string{"https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{{Name: "requiredProbes", Default: []string{"readinessProbe", "livenessProbe"},
		Doc: "Probes every container must define: livenessProbe, readinessProbe, startupProbe."}},
	Check: exceptPodUpdateBut(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		var vs []policy.Violation
		for _, c := range in.Containers() {
			if c.Type != policy.Regular {
				continue
			}
			for _, name := range in.Params.Strings("requiredProbes") {
				p, err := probe(c, name)
				if err != nil {
					return nil, err
				}
				if p == nil || !hasHandler(p.ProbeHandler) {
					vs = append(vs, policy.Violation{Path: c.Field(name), Container: c.Name,
						Message: "container " + c.Name + " has no " + name})
				}
			}
		}
		return vs, nil
	}),
}

func probe(c policy.Container, name string) (*corev1.Probe, error) {
	switch name {
	case "livenessProbe":
		return c.LivenessProbe, nil
	case "readinessProbe":
		return c.ReadinessProbe, nil
	case "startupProbe":
		return c.StartupProbe, nil
	}
	return nil, fmt.Errorf("parameter requiredProbes: unknown probe %q (want livenessProbe, readinessProbe or startupProbe)", name)
}

func hasHandler(h corev1.ProbeHandler) bool {
	return h.Exec != nil || h.HTTPGet != nil || h.TCPSocket != nil || h.GRPC != nil
}
