package pss

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/bulwarksec/bulwark/internal/policy"
	"github.com/bulwarksec/bulwark/internal/policy/policytest"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
)

// TestUpstreamWorkloadKinds wraps pod variants (Bulwark's own corpus of
// edge cases and every distinct pod of upstream's fixtures) in each
// workload kind and wants, at every version (and one past the newest) and
// both levels, Bulwark's verdict on the wrapped object to be upstream's on
// the bare pod, and every violation path to point into the kind's pod
// template.
func TestUpstreamWorkloadKinds(t *testing.T) {
	pods := append(corpusPods(t), distinctFixturePods(t)...)
	u, b := newUpstreamJudge(t), newBulwarkJudge()
	// A version newer than the newest check is judged as latest by both.
	versions := []api.Version{api.LatestVersion()}
	for minor := 0; minor <= newestMinor(t)+1; minor++ {
		versions = append(versions, api.MajorMinorVersion(1, minor))
	}
	var n tally
	for _, p := range pods {
		n.files++
		objs := wrapAll(t, p)
		for _, level := range []api.Level{api.LevelBaseline, api.LevelRestricted} {
			for _, v := range versions {
				want := u.failing(t, api.LevelVersion{Level: level, Version: v}, &p.typed.ObjectMeta, &p.typed.Spec)
				for _, o := range objs {
					compareOne(t, b, &n, p.typed.Name+" as "+o.Kind, string(level), v.String(), o, want)
				}
			}
		}
	}
	t.Logf("workload kinds: %d pod variants x %d kinds x %d versions x 2 levels = %d comparisons, %d agree, %d differ",
		n.files, len(workloadKinds)+1, len(versions), n.compared, n.agreed, n.differed)
}

// corpusPods reads Bulwark's own pod variants (testdata/corpus).
func corpusPods(t *testing.T) []*fixturePod {
	docs, err := policytest.Documents(filepath.Join("testdata", "corpus", "pods.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*fixturePod, len(docs))
	for i, d := range docs {
		out[i] = parsePod(t, fmt.Sprintf("corpus document %d", i), d)
	}
	return out
}

// distinctFixturePods reads upstream's fixtures and keeps one of each
// distinct pod (most recur unchanged across versions).
func distinctFixturePods(t *testing.T) []*fixturePod {
	files, err := filepath.Glob(filepath.Join(fixtureRoot(t), "*", "v1.*", "*", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no upstream fixtures (%v)", err)
	}
	seen := map[string]bool{}
	var out []*fixturePod
	for _, f := range files {
		p := readFixture(t, f)
		key, _ := json.Marshal([]any{p.typed.Annotations, p.typed.Spec})
		if !seen[string(key)] {
			seen[string(key)] = true
			p.typed.Name = filepath.Base(filepath.Dir(filepath.Dir(f))) + "/" + p.typed.Name
			out = append(out, p)
		}
	}
	return out
}

// workloadKinds builds each pod-bearing kind around a pod template.
var workloadKinds = map[string]func(corev1.PodTemplateSpec) any{
	"Deployment": func(t corev1.PodTemplateSpec) any {
		return &appsv1.Deployment{TypeMeta: typeMeta("apps/v1", "Deployment"), Spec: appsv1.DeploymentSpec{Template: t}}
	},
	"ReplicaSet": func(t corev1.PodTemplateSpec) any {
		return &appsv1.ReplicaSet{TypeMeta: typeMeta("apps/v1", "ReplicaSet"), Spec: appsv1.ReplicaSetSpec{Template: t}}
	},
	"StatefulSet": func(t corev1.PodTemplateSpec) any {
		return &appsv1.StatefulSet{TypeMeta: typeMeta("apps/v1", "StatefulSet"), Spec: appsv1.StatefulSetSpec{Template: t}}
	},
	"DaemonSet": func(t corev1.PodTemplateSpec) any {
		return &appsv1.DaemonSet{TypeMeta: typeMeta("apps/v1", "DaemonSet"), Spec: appsv1.DaemonSetSpec{Template: t}}
	},
	"Job": func(t corev1.PodTemplateSpec) any {
		return &batchv1.Job{TypeMeta: typeMeta("batch/v1", "Job"), Spec: batchv1.JobSpec{Template: t}}
	},
	"CronJob": func(t corev1.PodTemplateSpec) any {
		return &batchv1.CronJob{TypeMeta: typeMeta("batch/v1", "CronJob"),
			Spec: batchv1.CronJobSpec{Schedule: "@hourly", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: t}}}}
	},
	"ReplicationController": func(t corev1.PodTemplateSpec) any {
		return &corev1.ReplicationController{TypeMeta: typeMeta("v1", "ReplicationController"), Spec: corev1.ReplicationControllerSpec{Template: &t}}
	},
}

func typeMeta(apiVersion, kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
}

// wrapAll returns the pod as given and wrapped in every workload kind, the
// template carrying the pod's metadata and spec.
func wrapAll(t *testing.T, p *fixturePod) []*policy.Object {
	out := []*policy.Object{p.obj}
	tmpl := corev1.PodTemplateSpec{ObjectMeta: p.typed.ObjectMeta, Spec: p.typed.Spec}
	for kind, build := range workloadKinds {
		data, err := json.Marshal(build(tmpl))
		if err != nil {
			t.Fatal(err)
		}
		obj, err := policy.Decode(data)
		if err != nil {
			t.Fatalf("%s as %s: %v", p.typed.Name, kind, err)
		}
		if obj.Pod == nil {
			t.Fatalf("%s as %s: no pod template found", p.typed.Name, kind)
		}
		out = append(out, obj)
	}
	return out
}
