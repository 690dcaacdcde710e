package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// blockDefaultNamespace implements Azure Policy's "Kubernetes clusters
// should not use the default namespace" (template block-default-namespace
// v1): pods (and the workloads that make them), Services, ServiceAccounts
// and ConfigMaps in the default namespace fail. As in Azure's template an
// object without a namespace counts as in default, where kubectl puts it
// unless told otherwise, and the objects Kubernetes itself keeps there
// (the default ServiceAccount, the kubernetes Service, the
// kube-root-ca.crt ConfigMap) pass. Secrets are left out so that the
// webhook need not receive them.
var blockDefaultNamespace = &policy.Rule{
	ID:       "k8s.blockDefaultNamespace",
	Title:    "Kubernetes clusters should not use the default namespace",
	Severity: finding.SeverityLow,
	Rationale: "Everyone with access to the cluster can usually reach the default namespace, and policies, quotas and " +
		"RBAC are rarely scoped to it; workloads there share one unguarded space.",
	Remediation: "Create a namespace per application or team and deploy there (metadata.namespace).",
	References: policy.References{
		Azure: "9f061a12-e40d-4183-a00e-171812443373",
		CIS:   "5.6.4", // 5.7.4 in older benchmark versions; 5.6.4 in CIS 1.12, the reference Bulwark uses
		URLs:  []string{"https://aka.ms/kubepolicydoc"},
	},
	Effect: policy.EffectAudit,
	Kinds:  append(policy.PodKinds(), "Service", "ServiceAccount", "ConfigMap"),
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		o := in.Object
		if ns := o.Namespace(); (ns != "" && ns != "default") || keptByKubernetes(o) {
			return nil, nil
		}
		msg := o.Kind + " " + o.Name() + " is in the default namespace"
		if o.Namespace() == "" {
			msg = o.Kind + " " + o.Name() + " names no namespace, so it goes to default unless one is given when applied"
		}
		return []policy.Violation{{Path: "metadata.namespace", Message: msg}}, nil
	},
}

// keptByKubernetes reports the objects Kubernetes creates in every (or
// the default) namespace itself.
func keptByKubernetes(o *policy.Object) bool {
	switch o.Kind {
	case "ServiceAccount":
		return o.Meta.Name == "default"
	case "Service":
		return o.Meta.Name == "kubernetes"
	case "ConfigMap":
		return o.Meta.Name == "kube-root-ca.crt"
	}
	return false
}
