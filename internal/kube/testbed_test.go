package kube

import (
	"context"
	"testing"
	"time"

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

// workload finds a workload by its String.
func workload(snap Snapshot, ref string) (Workload, bool) {
	for _, w := range snap.Workloads {
		if w.String() == ref {
			return w, true
		}
	}
	return Workload{}, false
}
