package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	networkingv1 "k8s.io/api/networking/v1"
)

// allowHTTP is the Ingress annotation that turns plain HTTP off.
const allowHTTP = "kubernetes.io/ingress.allow-http"

// ingressHttpsOnly implements Azure Policy's "Kubernetes clusters should
// be accessible only over HTTPS" (template ingress-https-only v2,
// Gatekeeper's httpsonly without its tlsOptional parameter, which Azure's
// definition does not have): an Ingress must configure TLS and set
// kubernetes.io/ingress.allow-http to "false".
var ingressHttpsOnly = &policy.Rule{
	ID:       "k8s.ingressHttpsOnly",
	Title:    "Kubernetes clusters should be accessible only over HTTPS",
	Severity: finding.SeverityMedium,
	Rationale: "Traffic served over plain HTTP can be read and altered on the network; HTTPS authenticates the " +
		"service and protects data in transit.",
	Remediation: "Add spec.tls with a certificate for the Ingress's hosts and the annotation kubernetes.io/ingress.allow-http: \"false\".",
	References: policy.References{
		Azure: "1a5b4dca-0b6f-4cf5-907c-56316bc1bf3d",
		URLs:  []string{"https://kubernetes.io/docs/concepts/services-networking/ingress/#tls"},
	},
	Effect: policy.EffectDeny,
	Kinds:  []string{"Ingress"},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		ing := in.Object.Typed.(*networkingv1.Ingress)
		var vs []policy.Violation
		if len(ing.Spec.TLS) == 0 {
			vs = append(vs, policy.Violation{Path: "spec.tls", Message: "Ingress " + ing.Name + " configures no TLS"})
		}
		if ing.Annotations[allowHTTP] != "false" {
			vs = append(vs, policy.Violation{Path: keyPath("metadata", "annotations", allowHTTP),
				Message: "Ingress " + ing.Name + " does not set " + allowHTTP + ": \"false\""})
		}
		return vs, nil
	},
}
