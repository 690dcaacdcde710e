package workload

import (
	"context"
	"slices"
	"strconv"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
)

// serviceAllowedPorts implements Azure Policy's "Kubernetes cluster
// services should listen only on allowed ports" (template
// service-allowed-ports v1): every spec.ports[].port must be in the list
// (strings, as Azure's parameter holds them). The default/kubernetes
// Service passes, as in the template. Azure requires the list; empty
// (Bulwark's default) checks nothing.
var serviceAllowedPorts = &policy.Rule{
	ID:       "k8s.serviceAllowedPorts",
	Title:    "Kubernetes cluster services should listen only on allowed ports",
	Severity: finding.SeverityLow,
	Rationale: "Each port a Service listens on is reachable by every pod (and, for NodePort and LoadBalancer " +
		"Services, from outside); keeping to known ports keeps the exposed surface reviewed.",
	Remediation: "Change the Service port to an allowed one, or add the port to allowedServicePortsList.",
	References: policy.References{
		Azure: "233a2a17-77ca-4fb1-9b6b-69223d272a44",
		URLs:  []string{"https://aka.ms/kubepolicydoc"},
	},
	Effect: policy.EffectDeny,
	Kinds:  []string{"Service"},
	Params: []policy.Param{{Name: "allowedServicePortsList", Default: []string{},
		Doc: `Ports Services may listen on, as strings (["443", "80"]). Azure requires it; empty checks nothing.`}},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		svc := in.Object.Typed.(*corev1.Service)
		allowed := in.Params.Strings("allowedServicePortsList")
		if len(allowed) == 0 || (svc.Namespace == "default" && svc.Name == "kubernetes") {
			return nil, nil
		}
		var vs []policy.Violation
		for i, p := range svc.Spec.Ports {
			if port := strconv.Itoa(int(p.Port)); !slices.Contains(allowed, port) {
				vs = append(vs, policy.Violation{Path: "spec.ports[" + strconv.Itoa(i) + "].port",
					Message: "port " + port + " is not allowed"})
			}
		}
		return vs, nil
	},
}
