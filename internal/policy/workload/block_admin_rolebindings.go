package workload

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	rbacv1 "k8s.io/api/rbac/v1"
)

// blockAdminRolebindings implements Azure Policy's "Kubernetes clusters
// should ensure that the cluster-admin role is only used where required"
// (template block-admin-rolebindings v1): a RoleBinding or
// ClusterRoleBinding to the cluster-admin ClusterRole fails. The API
// server's own binding (labelled kubernetes.io/bootstrapping=rbac-defaults)
// fails too, as CIS 5.1.1 asks for it to be reviewed; a label selector in
// the rule's scope can leave it out.
var blockAdminRolebindings = &policy.Rule{
	ID:       "k8s.blockAdminRolebindings",
	Title:    "Kubernetes clusters should ensure that the cluster-admin role is only used where required",
	Severity: finding.SeverityHigh,
	Rationale: "cluster-admin grants every action on every resource; each subject bound to it is a path to full " +
		"control of the cluster, its secrets and its nodes.",
	Remediation: "Bind a role with only the permissions the subject needs; keep cluster-admin for break-glass use.",
	References: policy.References{
		Azure: "a3dc4946-dba6-43e6-950d-f96532848c9f",
		CIS:   "5.1.1",
		URLs:  []string{"https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles"},
	},
	Effect: policy.EffectAudit,
	Kinds:  []string{"RoleBinding", "ClusterRoleBinding"},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		var ref rbacv1.RoleRef
		switch b := in.Object.Typed.(type) {
		case *rbacv1.RoleBinding:
			ref = b.RoleRef
		case *rbacv1.ClusterRoleBinding:
			ref = b.RoleRef
		}
		if ref.Kind != "ClusterRole" || ref.Name != "cluster-admin" {
			return nil, nil
		}
		return []policy.Violation{{Path: "roleRef.name",
			Message: in.Object.Kind + " " + in.Object.Name() + " binds the cluster-admin ClusterRole"}}, nil
	},
}
