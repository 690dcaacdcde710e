package kube

import (
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// objects is a tiny cluster for Chain: each object's metadata by UID.
type objects map[types.UID]*metav1.ObjectMeta

func (o objects) controllerOf(uid types.UID) (Ref, bool) {
	m, ok := o[uid]
	if !ok {
		return Ref{}, false
	}
	return controllerRef(m.Namespace, m)
}

func objMeta(uid, ns string, owners ...metav1.OwnerReference) *metav1.ObjectMeta {
	return &metav1.ObjectMeta{UID: types.UID(uid), Namespace: ns, Name: uid, OwnerReferences: owners}
}

func owns(kind, uid string, controller bool) metav1.OwnerReference {
	return metav1.OwnerReference{Kind: kind, Name: uid, UID: types.UID(uid), Controller: &controller}
}

func TestChain(t *testing.T) {
	cluster := objects{
		"pod-a":    objMeta("pod-a", "ns", owns("ReplicaSet", "rs", true)),
		"rs":       objMeta("rs", "ns", owns("Deployment", "deploy", true)),
		"deploy":   objMeta("deploy", "ns"),
		"pod-j":    objMeta("pod-j", "ns", owns("Job", "job", true)),
		"job":      objMeta("job", "ns", owns("CronJob", "cron", true)),
		"cron":     objMeta("cron", "ns"),
		"bare":     objMeta("bare", "ns"),
		"orphan":   objMeta("orphan", "ns", owns("ReplicaSet", "rs-gone", true)),
		"rollout":  objMeta("rollout", "ns", owns("Rollout", "argo", true)),
		"mirror":   objMeta("mirror", "kube-system", owns("Node", "node-1", true)),
		"adopted":  objMeta("adopted", "ns", owns("ConfigMap", "cm", false), owns("StatefulSet", "sts", true)),
		"sts":      objMeta("sts", "ns"),
		"loop-a":   objMeta("loop-a", "ns", owns("ReplicaSet", "loop-b", true)),
		"loop-b":   objMeta("loop-b", "ns", owns("ReplicaSet", "loop-a", true)),
		"nonowner": objMeta("nonowner", "ns", owns("ReplicaSet", "rs", false)),
	}
	tests := []struct {
		start string
		want  []string
	}{
		{"pod-a", []string{"pod-a", "rs", "deploy"}},
		{"pod-j", []string{"pod-j", "job", "cron"}},
		{"bare", []string{"bare"}},
		{"orphan", []string{"orphan", "rs-gone"}}, // owner not (yet) seen: it is the top
		{"rollout", []string{"rollout", "argo"}},  // unwatched custom controller
		{"mirror", []string{"mirror"}},            // static pod: the node is no workload
		{"adopted", []string{"adopted", "sts"}},   // only the controller counts
		{"nonowner", []string{"nonowner"}},        // an owner that is not the controller
		{"loop-a", []string{"loop-a", "loop-b"}},  // cycle stops
		{"not-known", []string{"not-known"}},      // start unknown: itself
	}
	for _, tt := range tests {
		t.Run(tt.start, func(t *testing.T) {
			var got []string
			for _, r := range Chain(Ref{Kind: "Pod", UID: types.UID(tt.start)}, cluster.controllerOf) {
				got = append(got, string(r.UID))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Chain(%s) = %v, want %v", tt.start, got, tt.want)
			}
		})
	}
}

func TestChainNamesOwnerKinds(t *testing.T) {
	cluster := objects{"p": objMeta("p", "prod", owns("ReplicaSet", "rs", true)), "rs": objMeta("rs", "prod", owns("Deployment", "d", true))}
	chain := Chain(Ref{Kind: "Pod", Namespace: "prod", Name: "p", UID: "p"}, cluster.controllerOf)
	if got := chain[len(chain)-1].String(); got != "Deployment/prod/d" {
		t.Errorf("top = %s, want Deployment/prod/d", got)
	}
}
