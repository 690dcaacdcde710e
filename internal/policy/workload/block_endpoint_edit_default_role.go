package workload

import (
	"context"
	"slices"
	"strconv"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	rbacv1 "k8s.io/api/rbac/v1"
)

// blockEndpointEditDefaultRole implements Azure Policy's "Kubernetes
// clusters should not allow endpoint edit permissions of
// ClusterRole/system:aggregate-to-edit" (template
// block-endpoint-edit-default-role v1, Gatekeeper's
// block-endpoint-edit-default-role): the ClusterRole must not let anyone
// create, patch or update Endpoints (CVE-2021-25740). EndpointSlices and
// wildcards count too, as they give the same power.
var blockEndpointEditDefaultRole = &policy.Rule{
	ID:       "k8s.blockEndpointEditDefaultRole",
	Title:    "Kubernetes clusters should not allow endpoint edit permissions of ClusterRole/system:aggregate-to-edit",
	Severity: finding.SeverityLow,
	Rationale: "Whoever can write Endpoints can point a Service at any IP, including pods in other namespaces, " +
		"and forward traffic across namespace boundaries (CVE-2021-25740); the edit role gave that to every editor before 1.22.",
	Remediation: "Remove endpoints and endpointslices write verbs from system:aggregate-to-edit and annotate it " +
		"rbac.authorization.kubernetes.io/autoupdate=false on clusters older than 1.22 so the change sticks.",
	References: policy.References{
		Azure: "1ddac26b-ed48-4c30-8cc5-3a68c79b8001",
		URLs:  []string{"https://github.com/kubernetes/kubernetes/issues/103675"},
	},
	Effect: policy.EffectAudit,
	Kinds:  []string{"ClusterRole"},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		cr := in.Object.Typed.(*rbacv1.ClusterRole)
		if cr.Name != "system:aggregate-to-edit" {
			return nil, nil
		}
		var vs []policy.Violation
		for i, r := range cr.Rules {
			if editsEndpoints(r) {
				vs = append(vs, policy.Violation{Path: "rules[" + strconv.Itoa(i) + "]",
					Message: "system:aggregate-to-edit may write endpoints"})
			}
		}
		return vs, nil
	},
}

func editsEndpoints(r rbacv1.PolicyRule) bool {
	endpoints := slices.ContainsFunc(r.Resources, func(s string) bool {
		return s == "endpoints" || s == "endpointslices" || s == "*"
	})
	edit := slices.ContainsFunc(r.Verbs, func(s string) bool {
		return s == "create" || s == "patch" || s == "update" || s == "*"
	})
	return endpoints && edit
}
