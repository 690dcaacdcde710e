package kube

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// testPermissions: a user with no grants is probed as missing every
// permission and watched as disconnected with the API server's reason;
// binding the printed ClusterRole to it, and nothing else, lets the
// running watcher recover on its own and the probe find nothing missing.
func testPermissions(t *testing.T, kc *testbed.K8sCluster, admin kubernetes.Interface) {
	cfg := configOf(t, kc.Env["BULWARK_KUBECONFIG_DEV"])
	res, err := Probe(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Missing) != 2*len(resources) || res.ServerVersion == "" {
		t.Fatalf("probe as dev: version %q, %d missing, want %d", res.ServerVersion, len(res.Missing), 2*len(resources))
	}
	w := startWatcher(t, cfg)
	snap := waitFor(t, w, 20*time.Second, "disconnected", func(s Snapshot) bool { return s.Cluster.State == StateDisconnected })
	if !strings.Contains(snap.Cluster.LastError, "forbidden") || len(snap.Cluster.Errors) != len(resources) {
		t.Errorf("cluster = %+v, want every resource forbidden", snap.Cluster)
	}
	bindRole(t, admin, "dev")
	start := time.Now()
	waitFor(t, w, 90*time.Second, "connected after the grant", func(s Snapshot) bool { return s.Cluster.State == StateConnected })
	t.Logf("ClusterRole bound -> watcher connected: %v", time.Since(start).Round(time.Millisecond))
	if res, err = Probe(context.Background(), cfg); err != nil || len(res.Missing) > 0 {
		t.Errorf("probe after the grant: %v, missing %v", err, res.Missing)
	}
}

// bindRole grants user exactly ClusterRole().
func bindRole(t *testing.T, cs kubernetes.Interface, user string) {
	ctx := context.Background()
	if _, err := cs.RbacV1().ClusterRoles().Create(ctx, ClusterRole(), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	b := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: RoleName + "-" + user},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: RoleName},
		Subjects: []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: user}}}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, b, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestWatchClosedPort: a cluster that refuses connections is shown
// disconnected with the reason, and Probe fails naming it.
func TestWatchClosedPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cfg, err := FromKubeconfig([]byte(kubeconfigFor("https://"+addr, "secret-token")), "")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Insecure = true // nothing answers; no CA needed
	if _, err := Probe(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("Probe = %v, want connection refused", err)
	}
	w := startWatcher(t, cfg)
	snap := waitFor(t, w, 20*time.Second, "disconnected", func(s Snapshot) bool { return s.Cluster.State == StateDisconnected })
	if !strings.Contains(snap.Cluster.LastError, "connection refused") || snap.Cluster.LastErrorAt.IsZero() {
		t.Errorf("cluster = %+v", snap.Cluster)
	}
}
