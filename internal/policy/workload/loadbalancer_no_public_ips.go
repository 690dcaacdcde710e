package workload

import (
	"context"
	"strings"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
)

// loadbalancerNoPublicIPs implements Azure Policy's "Kubernetes clusters
// should use internal load balancers" (template
// load-balancer-no-public-ips v1): a Service of type LoadBalancer must
// carry an internal load balancer annotation. Azure accepts only its own
// (service.beta.kubernetes.io/azure-load-balancer-internal: "true"); the
// default here also accepts the other providers' annotations that
// Kubernetes documents, so that the rule means the same off Azure.
var loadbalancerNoPublicIPs = &policy.Rule{
	ID:       "k8s.loadbalancerNoPublicIPs",
	Title:    "Kubernetes clusters should use internal load balancers",
	Severity: finding.SeverityMedium,
	Rationale: "A LoadBalancer Service without the internal annotation gets a public IP, exposing the " +
		"workload to the internet rather than only to the virtual network.",
	Remediation: "Annotate the Service for an internal load balancer (Azure: service.beta.kubernetes.io/azure-load-balancer-internal: \"true\"), " +
		"or expose it through an Ingress that is meant to be public.",
	References: policy.References{
		Azure: "3fc4dc25-5baf-40d8-9b05-7fe74c1bc64e",
		URLs:  []string{"https://kubernetes.io/docs/concepts/services-networking/service/#internal-load-balancer"},
	},
	Effect: policy.EffectDeny,
	Kinds:  []string{"Service"},
	Params: []policy.Param{{Name: "internalAnnotations", Default: []string{
		"service.beta.kubernetes.io/azure-load-balancer-internal=true",
		"networking.gke.io/load-balancer-type=Internal",
		"cloud.google.com/load-balancer-type=Internal",
		"service.beta.kubernetes.io/aws-load-balancer-internal=true",
		"service.beta.kubernetes.io/aws-load-balancer-scheme=internal",
		"service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type=private",
		"service.beta.kubernetes.io/openstack-internal-load-balancer=true",
		"service.beta.kubernetes.io/oci-load-balancer-internal=true",
		"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type=intranet",
		"service.beta.kubernetes.io/cce-load-balancer-internal-vpc=true",
	}, Doc: "Annotations (key=value) any one of which makes a load balancer internal. Azure's definition accepts only the first."}},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		svc := in.Object.Typed.(*corev1.Service)
		if svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
			return nil, nil
		}
		for _, kv := range in.Params.Strings("internalAnnotations") {
			k, v, _ := strings.Cut(kv, "=")
			if got, ok := svc.Annotations[k]; ok && got == v {
				return nil, nil
			}
		}
		return []policy.Violation{{Path: "metadata.annotations",
			Message: "LoadBalancer Service " + svc.Name + " has no internal load balancer annotation, so it gets a public IP"}}, nil
	},
}
