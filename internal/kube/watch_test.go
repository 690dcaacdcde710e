package kube

import (
	"context"
	"slices"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// TestWatchTestbed runs the watcher against the real API server and
// controller manager of the k8s test bed (no kubelet: pods stay Pending,
// so no imageIDs here).
func TestWatchTestbed(t *testing.T) {
	kc := testbed.K8s(t)
	cfg := configOf(t, kc.Kubeconfig)
	cs := kubernetes.NewForConfigOrDie(cfg)
	begin := time.Now()
	w := startWatcher(t, cfg)
	snap := waitFor(t, w, 30*time.Second, "connected", func(s Snapshot) bool { return s.Cluster.State == StateConnected && s.Cluster.ServerVersion != "" })
	t.Logf("watcher started -> connected with the full inventory: %v", time.Since(begin).Round(time.Millisecond))
	if !slices.ContainsFunc(snap.Namespaces, func(n Namespace) bool { return n.Name == "kube-system" }) {
		t.Errorf("namespaces %v lack kube-system", snap.Namespaces)
	}
	start := time.Now()
	testbed.K8sNamespace(t, cs, "shop")
	waitFor(t, w, 10*time.Second, "namespace shop", func(s Snapshot) bool {
		return slices.ContainsFunc(s.Namespaces, func(n Namespace) bool { return n.Name == "shop" })
	})
	t.Logf("Namespace created -> in the snapshot: %v", time.Since(start).Round(time.Millisecond))

	t.Run("deployment owner chain and latency", func(t *testing.T) { testDeployment(t, w, cs) })
	t.Run("cronjob owner chain", func(t *testing.T) { testCronJobChain(t, w, cs) })
	t.Run("bare pod", func(t *testing.T) { testBarePod(t, w, cs) })
	t.Run("permissions", func(t *testing.T) { testPermissions(t, kc, cs) })
}

func testDeployment(t *testing.T, w *Watcher, cs kubernetes.Interface) {
	ctx := context.Background()
	start := time.Now()
	d, err := cs.AppsV1().Deployments("shop").Create(ctx, deployment("web", 2), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var seen time.Duration // the Deployment itself, before the controllers make its pods
	snap := waitFor(t, w, 20*time.Second, "two pods under Deployment/shop/web", func(s Snapshot) bool {
		wl, ok := workload(s, "Deployment/shop/web")
		if ok && seen == 0 {
			seen = time.Since(start)
		}
		return ok && len(wl.Pods) == 2
	})
	t.Logf("Deployment created -> in the snapshot: %v; its 2 pods (made by the controller manager): %v",
		seen.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	logPodsCreated(t, cs, d)
	wl, _ := workload(snap, "Deployment/shop/web")
	kinds := []string{}
	for _, r := range wl.Pods[0].Chain {
		kinds = append(kinds, r.Kind)
	}
	if !slices.Equal(kinds, []string{"Pod", "ReplicaSet", "Deployment"}) || !wl.Watched || wl.UID != d.UID {
		t.Errorf("chain %v, watched %v, uid %s want %s", kinds, wl.Watched, wl.UID, d.UID)
	}
	if _, ok := workload(snap, "ReplicaSet/shop/"+wl.Pods[0].Chain[1].Name); ok {
		t.Error("the Deployment's ReplicaSet is listed as a workload of its own")
	}
	checkPolicyObject(t, w, d)
	deleteDeployment(t, w, cs, d)
}

// checkPolicyObject: the watched Deployment decodes for the policy engine,
// pod template included.
func checkPolicyObject(t *testing.T, w *Watcher, d *appsv1.Deployment) {
	obj, err := w.Object(d.UID)
	if err != nil {
		t.Fatal(err)
	}
	if obj.Kind != "Deployment" || obj.Name() != "web" || obj.Pod == nil || len(obj.Pod.Spec.Containers) != 1 ||
		obj.Pod.Spec.Containers[0].Image != "127.0.0.1:5099/shop/web:1" || obj.Pod.SpecPath != "spec.template.spec" {
		t.Errorf("policy object = %+v", obj)
	}
}

// deleteDeployment: the Deployment and, once the garbage collector has
// run, its pods leave the running inventory; the Deployment is a
// tombstone.
func deleteDeployment(t *testing.T, w *Watcher, cs kubernetes.Interface, d *appsv1.Deployment) {
	start := time.Now()
	if err := cs.AppsV1().Deployments("shop").Delete(context.Background(), d.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	snap := waitFor(t, w, 30*time.Second, "Deployment/shop/web and its pods gone", func(s Snapshot) bool {
		for _, wl := range s.Workloads {
			if wl.UID == d.UID || (wl.Namespace == "shop" && wl.Kind == "ReplicaSet") {
				return false
			}
		}
		return true
	})
	t.Logf("Deployment deleted -> it and its pods gone from the snapshot: %v", time.Since(start).Round(time.Millisecond))
	if !slices.ContainsFunc(snap.Tombstones, func(tb Tombstone) bool { return tb.UID == d.UID && !tb.Deleted.IsZero() }) {
		t.Errorf("no tombstone for the Deployment in %v", snap.Tombstones)
	}
	if _, err := w.Object(d.UID); err == nil {
		t.Error("a deleted Deployment is still an object of the inventory")
	}
}

// testCronJobChain: a Job controlled by a CronJob (made by hand: the
// schedule never fires in a test) runs a pod whose top is the CronJob.
func testCronJobChain(t *testing.T, w *Watcher, cs kubernetes.Interface) {
	ctx := context.Background()
	cj, err := cs.BatchV1().CronJobs("shop").Create(ctx, cronJob("nightly"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	job := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "nightly-1", OwnerReferences: []metav1.OwnerReference{{
		APIVersion: "batch/v1", Kind: "CronJob", Name: cj.Name, UID: cj.UID, Controller: ptr.To(true)}}},
		Spec: cj.Spec.JobTemplate.Spec}
	if _, err := cs.BatchV1().Jobs("shop").Create(ctx, job, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	snap := waitFor(t, w, 20*time.Second, "a pod under CronJob/shop/nightly", func(s Snapshot) bool {
		wl, ok := workload(s, "CronJob/shop/nightly")
		return ok && len(wl.Pods) == 1
	})
	wl, _ := workload(snap, "CronJob/shop/nightly")
	if c := wl.Pods[0].Chain; len(c) != 3 || c[1].String() != "Job/shop/nightly-1" {
		t.Errorf("chain = %v", c)
	}
}

// testBarePod: a pod with no controller is its own workload, with its
// init and app containers and no digest while Pending.
func testBarePod(t *testing.T, w *Watcher, cs kubernetes.Interface) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "bare"}, Spec: corev1.PodSpec{
		InitContainers: []corev1.Container{{Name: "init", Image: "busybox:1.36"}},
		Containers:     []corev1.Container{{Name: "app", Image: "nginx:1.27"}}}}
	if _, err := cs.CoreV1().Pods("default").Create(context.Background(), pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	snap := waitFor(t, w, 20*time.Second, "Pod/default/bare", func(s Snapshot) bool { _, ok := workload(s, "Pod/default/bare"); return ok })
	wl, _ := workload(snap, "Pod/default/bare")
	want := []Container{{Name: "init", Type: ContainerInit, Image: "busybox:1.36"}, {Name: "app", Type: ContainerApp, Image: "nginx:1.27"}}
	if len(wl.Pods) != 1 || !slices.Equal(wl.Pods[0].Containers, want) || wl.Pods[0].Phase != "Pending" {
		t.Errorf("bare pod = %+v", wl.Pods)
	}
	if slices.ContainsFunc(snap.Images, func(i RunningImage) bool { return i.Uses[0].Pod == "bare" }) {
		t.Error("a pending pod's image counts as running")
	}
}

// logPodsCreated logs when the API server made the Deployment's pods
// (creation timestamps, to the second), to tell the controllers' delay
// from the watcher's.
func logPodsCreated(t *testing.T, cs kubernetes.Interface, d *appsv1.Deployment) {
	pods, err := cs.CoreV1().Pods(d.Namespace).List(context.Background(), metav1.ListOptions{LabelSelector: "app=" + d.Name})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		t.Logf("pod %s created %v after its Deployment (API server clock, 1 s resolution)", p.Name, p.CreationTimestamp.Sub(d.CreationTimestamp.Time))
	}
}
