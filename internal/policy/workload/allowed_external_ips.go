package workload

import (
	"context"
	"slices"
	"strconv"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
)

// allowedExternalIPs implements Azure Policy's "Kubernetes cluster
// services should only use allowed external IPs" (template
// allowed-external-ips v1, Gatekeeper's externalip): every entry of a
// Service's spec.externalIPs must be in the allowed list; the default
// empty list allows none.
var allowedExternalIPs = &policy.Rule{
	ID:       "k8s.allowedExternalIPs",
	Title:    "Kubernetes cluster services should only use allowed external IPs",
	Severity: finding.SeverityMedium,
	Rationale: "Whoever can set a Service's externalIPs can capture traffic the cluster sends to any address, " +
		"a man-in-the-middle of other tenants' and external traffic (CVE-2020-8554).",
	Remediation: "Remove spec.externalIPs, or use an address listed in allowedExternalIPs; expose services through a LoadBalancer or Ingress instead.",
	References: policy.References{
		Azure: "d46c275d-1680-448d-b2ec-e495a3b6cc89",
		URLs:  []string{"https://github.com/kubernetes/kubernetes/issues/97076"},
	},
	Effect: policy.EffectAudit,
	Kinds:  []string{"Service"},
	Params: []policy.Param{{Name: "allowedExternalIPs", Default: []string{},
		Doc: "External IPs Services may use; empty allows none."}},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		svc := in.Object.Typed.(*corev1.Service)
		allowed := in.Params.Strings("allowedExternalIPs")
		var vs []policy.Violation
		for i, ip := range svc.Spec.ExternalIPs {
			if !slices.Contains(allowed, ip) {
				vs = append(vs, policy.Violation{Path: "spec.externalIPs[" + strconv.Itoa(i) + "]",
					Message: "external IP " + ip + " is not allowed"})
			}
		}
		return vs, nil
	},
}
