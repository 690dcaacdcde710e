package workload

import (
	"context"
	"fmt"
	"maps"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
)

// cannotEditIndividualNodes implements Azure Policy's "Cannot Edit
// Individual Nodes" (template restricted-node-edits v1): an UPDATE of a
// Node that changes its labels or taints must come from an allowed user or
// group. As in the template, a request without the old object, a CREATE,
// and an evaluation outside admission have no change to judge and pass.
// The defaults are Azure's: on clusters whose kubelets authenticate in the
// group system:nodes (all but AKS), add it to allowedGroups before
// enforcing, or kubelets that relabel their own node are refused.
var cannotEditIndividualNodes = &policy.Rule{
	ID:       "k8s.cannotEditIndividualNodes",
	Title:    "Cannot Edit Individual Nodes",
	Severity: finding.SeverityMedium,
	Rationale: "Node labels and taints decide which pods land where; a hand edit on one node drifts from its pool, " +
		"is lost when the node is replaced, and can pull sensitive workloads onto a node someone controls.",
	Remediation: "Change labels and taints on the node pool (its template or the cloud's node-pool API), not on single nodes.",
	References: policy.References{
		Azure: "53a4a537-990c-495a-92e0-7c21a465442c",
		URLs:  []string{"https://learn.microsoft.com/azure/aks/deployment-safeguards"},
	},
	Effect: policy.EffectAudit,
	Kinds:  []string{"Node"},
	Params: []policy.Param{
		{Name: "allowedUsers", Default: []string{"nodeclient", "system:serviceaccount:kube-system:aci-connector-linux",
			"system:serviceaccount:kube-system:node-controller", "acsService", "aksService",
			"system:serviceaccount:kube-system:cloud-node-manager"},
			Doc: "Users that may change a node's labels and taints; a trailing * matches a prefix."},
		{Name: "allowedGroups", Default: []string{"system:node"}, Doc: "Groups whose members may change a node's labels and taints."},
	},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		req := in.Request
		node := in.Object.Typed.(*corev1.Node)
		if req == nil || req.Operation != "UPDATE" || req.SubResource != "" || len(req.OldObject) == 0 ||
			allowedRequester(req, in.Params.Strings("allowedUsers"), in.Params.Strings("allowedGroups")) {
			return nil, nil
		}
		old, err := policy.Decode(req.OldObject)
		if err != nil {
			return nil, fmt.Errorf("old object: %w", err)
		}
		oldNode, ok := old.Typed.(*corev1.Node)
		if !ok {
			return nil, fmt.Errorf("old object is a %s, not a Node", old.Kind)
		}
		return nodeEdits(node, oldNode, req.UserName), nil
	},
}

func nodeEdits(node, old *corev1.Node, user string) []policy.Violation {
	var vs []policy.Violation
	if !maps.Equal(node.Labels, old.Labels) {
		vs = append(vs, policy.Violation{Path: "metadata.labels", Message: user + " changed the labels of node " + node.Name})
	}
	if !sameTaints(node.Spec.Taints, old.Spec.Taints) {
		vs = append(vs, policy.Violation{Path: "spec.taints", Message: user + " changed the taints of node " + node.Name})
	}
	return vs
}

// sameTaints compares taints as a set of key, value and effect, as the
// template does: order and the time added do not matter.
func sameTaints(a, b []corev1.Taint) bool {
	set := func(ts []corev1.Taint) map[string]bool {
		m := make(map[string]bool, len(ts))
		for _, t := range ts {
			m[t.Key+"="+t.Value+":"+string(t.Effect)] = true
		}
		return m
	}
	return maps.Equal(set(a), set(b))
}
