package kube

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// TestWatchKubeletImages runs a real pod on the test bed's kubelet from an
// image pushed to the registry test bed, and finds its registry digest in
// the running images, used by its Deployment, and the node in the
// inventory.
func TestWatchKubeletImages(t *testing.T) {
	reg := testbed.Registry(t)
	kc := testbed.K8sKubelet(t)
	repo, digest := pushPause(t, reg, filepath.Join(kc.Bin, "testbed-pause"))
	cfg := configOf(t, kc.Kubeconfig)
	cs := kubernetes.NewForConfigOrDie(cfg)
	w := startWatcher(t, cfg)
	snap := waitFor(t, w, 30*time.Second, "connected with its node", func(s Snapshot) bool { return s.Cluster.State == StateConnected && s.Cluster.NodeCount == 1 })
	checkNode(t, snap.Nodes[0], kc.Env["BULWARK_NODE_NAME"])

	testbed.K8sNamespace(t, cs, "run")
	d := deployment("pause", 1)
	d.Spec.Template.Spec.Containers[0].Image = repo + ":v1"
	start := time.Now()
	if _, err := cs.AppsV1().Deployments("run").Create(context.Background(), d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	want := repo + "@" + digest
	snap = waitFor(t, w, 90*time.Second, "running "+want, func(s Snapshot) bool {
		return slices.ContainsFunc(s.Images, func(i RunningImage) bool { return i.String() == want })
	})
	t.Logf("Deployment created -> its pod's image digest in the running images: %v", time.Since(start).Round(time.Millisecond))
	i := slices.IndexFunc(snap.Images, func(i RunningImage) bool { return i.String() == want })
	if u := snap.Images[i].Uses; len(u) != 1 || u[0].Workload.String() != "Deployment/run/pause" || u[0].Container != "pause" {
		t.Errorf("uses of %s = %+v", want, u)
	}
}

// checkNode: the node as the kubelet reports it.
func checkNode(t *testing.T, n Node, name string) {
	ready := slices.ContainsFunc(n.Conditions, func(c Condition) bool { return c.Type == "Ready" && c.Status == "True" })
	if n.Name != name || n.KubeletVersion != "v1.37.2" || !strings.HasPrefix(n.ContainerRuntime, "containerd://") ||
		n.KernelVersion == "" || n.OSImage == "" || !ready {
		t.Errorf("node = %+v", n)
	}
}

// pushPause pushes an image of one static binary (run as its entrypoint)
// to the registry at reg and returns its repository and manifest digest.
func pushPause(t *testing.T, reg, binary string) (repo, digest string) {
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return tarOf(binary, "pause") })
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		t.Fatal(err)
	}
	img, err = mutate.ConfigFile(img, &v1.ConfigFile{OS: "linux", Architecture: runtime.GOARCH,
		RootFS: v1.RootFS{Type: "layers", DiffIDs: diffIDs(t, layer)}, Config: v1.Config{Entrypoint: []string{"/pause"}}})
	if err != nil {
		t.Fatal(err)
	}
	repo = reg + "/bulwark-kube-test/pause"
	ref, err := name.ParseReference(repo+":v1", name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return repo, d.String()
}

func diffIDs(t *testing.T, l v1.Layer) []v1.Hash {
	h, err := l.DiffID()
	if err != nil {
		t.Fatal(err)
	}
	return []v1.Hash{h}
}

// tarOf is a tar with file as /as, executable.
func tarOf(file, as string) (io.ReadCloser, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	if err := tw.WriteHeader(&tar.Header{Name: as, Mode: 0o755, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(data); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return io.NopCloser(&b), nil
}
