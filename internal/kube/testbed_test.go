package kube

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// configOf reads a test bed kubeconfig the way the CLI will: inlined,
// then checked by FromKubeconfig.
func configOf(t *testing.T, file string) *rest.Config {
	t.Helper()
	data, err := ReadKubeconfigFile(file)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := FromKubeconfig(data, "")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// startWatcher runs a watcher until the test ends.
func startWatcher(t *testing.T, cfg *rest.Config) *Watcher {
	t.Helper()
	w, err := NewWatcher(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return w
}

// waitFor returns the first snapshot that satisfies ok, reading one after
// each change; it fails the test after timeout with what the last one
// held.
func waitFor(t *testing.T, w *Watcher, timeout time.Duration, what string, ok func(Snapshot) bool) Snapshot {
	t.Helper()
	deadline := time.After(timeout)
	for {
		snap := w.Snapshot()
		if ok(snap) {
			return snap
		}
		select {
		case <-w.Changes():
		case <-deadline:
			t.Fatalf("after %v, still not %s; cluster %+v, %d workloads", timeout, what, snap.Cluster, len(snap.Workloads))
		}
	}
}

// createNamespace makes ns with its default service account, which pods
// need and which the controller manager may not have made yet.
func createNamespace(t *testing.T, cs kubernetes.Interface, ns string) {
	t.Helper()
	ctx := context.Background()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}
	if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, sa, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
}

// workload finds a workload by its String.
func workload(snap Snapshot, ref string) (Workload, bool) {
	for _, w := range snap.Workloads {
		if w.String() == ref {
			return w, true
		}
	}
	return Workload{}, false
}
