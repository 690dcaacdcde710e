package workload

import (
	"context"
	"strconv"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// mustHaveAntiAffinityRulesSet implements Azure Policy's "Must Have Anti
// Affinity Rules or Topology Spread Constraints Set" (template
// pod-enforce-antiaffinity v1): a Deployment, StatefulSet, ReplicaSet or
// ReplicationController with more than one replica spreads its pods with
// pod anti-affinity or topology spread constraints. An unset replica count
// is 1, as the API server defaults it.
var mustHaveAntiAffinityRulesSet = &policy.Rule{
	ID:       "k8s.mustHaveAntiAffinityRulesSet",
	Title:    "Must Have Anti Affinity Rules or Topology Spread Constraints Set",
	Severity: finding.SeverityInformational,
	Rationale: "Replicas the scheduler is free to pack onto one node all fail with that node; spreading them " +
		"keeps the workload available through a node failure or drain.",
	Remediation: "Add spec.template.spec.affinity.podAntiAffinity or spec.template.spec.topologySpreadConstraints keyed on kubernetes.io/hostname.",
	References: policy.References{
		Azure: "34c88cd4-5d72-4dbb-bf77-12c3cafe8791",
		URLs:  []string{"https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/"},
	},
	Effect: policy.EffectAudit,
	Kinds:  []string{"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		n := replicas(in.Object.Typed)
		pod := in.Object.Pod
		if n <= 1 || pod == nil || spreads(pod.Spec) {
			return nil, nil
		}
		return []policy.Violation{{Path: pod.SpecPath + ".affinity.podAntiAffinity",
			Message: in.Object.Kind + " " + in.Object.Name() + " has " + strconv.Itoa(int(n)) +
				" replicas and neither pod anti-affinity nor topology spread constraints"}}, nil
	},
}

// replicas is the workload's replica count, 1 when unset.
func replicas(typed any) int32 {
	var r *int32
	switch w := typed.(type) {
	case *appsv1.Deployment:
		r = w.Spec.Replicas
	case *appsv1.StatefulSet:
		r = w.Spec.Replicas
	case *appsv1.ReplicaSet:
		r = w.Spec.Replicas
	case *corev1.ReplicationController:
		r = w.Spec.Replicas
	}
	if r == nil {
		return 1
	}
	return *r
}

func spreads(s *corev1.PodSpec) bool {
	return (s.Affinity != nil && s.Affinity.PodAntiAffinity != nil) || len(s.TopologySpreadConstraints) > 0
}
