package workload

import (
	"context"
	"strconv"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	networkingv1 "k8s.io/api/networking/v1"
)

// requireIngressHost implements Azure Policy's "Kubernetes clusters should
// specify host in ingress resource rules" (template require-ingress-host
// v2): every rule of an Ingress names a host. Unlike Gatekeeper's
// block-wildcard-ingress, a wildcard host ("*.example.com") is a host and
// passes, as the definition only asks for one to be specified.
var requireIngressHost = &policy.Rule{
	ID:       "k8s.requireIngressHost",
	Title:    "Kubernetes clusters should specify host in ingress resource rules",
	Severity: finding.SeverityLow,
	Rationale: "A rule without a host matches every hostname the ingress controller serves, so the backend is " +
		"reachable under any name pointed at the controller, and can capture other applications' traffic.",
	Remediation: "Set spec.rules[].host to the hostname the service is meant to answer on.",
	References: policy.References{
		Azure: "d8c942c6-16a3-400b-8f2e-785f44030036",
		URLs:  []string{"https://kubernetes.io/docs/concepts/services-networking/ingress/#name-based-virtual-hosting"},
	},
	Effect: policy.EffectAudit,
	Kinds:  []string{"Ingress"},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		ing := in.Object.Typed.(*networkingv1.Ingress)
		var vs []policy.Violation
		for i, r := range ing.Spec.Rules {
			if r.Host == "" {
				vs = append(vs, policy.Violation{Path: "spec.rules[" + strconv.Itoa(i) + "].host",
					Message: "rule " + strconv.Itoa(i) + " of Ingress " + ing.Name + " names no host"})
			}
		}
		return vs, nil
	},
}
