package kube

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
)

const digestA = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

func table(kind string) *Resource {
	for i := range resources {
		if resources[i].Kind == kind {
			return &resources[i]
		}
	}
	panic(kind)
}

// runningPod is a pod of ReplicaSet rs with an init, an app and an
// ephemeral container; only the app container has started.
func runningPod(name string, phase corev1.PodPhase) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "shop", UID: types.UID(name),
			OwnerReferences: []metav1.OwnerReference{{Kind: "ReplicaSet", Name: "web-1", UID: "rs", Controller: ptr.To(true)}}},
		Spec: corev1.PodSpec{NodeName: "n1",
			InitContainers:      []corev1.Container{{Name: "migrate", Image: "tool:1"}},
			Containers:          []corev1.Container{{Name: "web", Image: "nginx:1.27"}},
			EphemeralContainers: []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug", Image: "busybox"}}}},
		Status: corev1.PodStatus{Phase: phase,
			InitContainerStatuses:      []corev1.ContainerStatus{{Name: "migrate", ImageID: "not a digest"}},
			ContainerStatuses:          []corev1.ContainerStatus{{Name: "web", ImageID: "docker-pullable://nginx@" + digestA}},
			EphemeralContainerStatuses: []corev1.ContainerStatus{{Name: "debug"}}},
	}
}

func TestSnapshotImagesAndWorkloads(t *testing.T) {
	s := newState()
	s.put(table("Pod"), runningPod("web-1-a", corev1.PodRunning))
	s.put(table("Pod"), runningPod("web-1-b", corev1.PodSucceeded))
	s.put(table("ReplicaSet"), &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "shop", UID: "rs",
		OwnerReferences: []metav1.OwnerReference{{Kind: "Deployment", Name: "web", UID: "dep", Controller: ptr.To(true)}}}})
	snap := s.snapshot()

	if len(snap.Workloads) != 1 || snap.Workloads[0].String() != "Deployment/shop/web" || snap.Workloads[0].Watched || len(snap.Workloads[0].Pods) != 2 {
		t.Fatalf("workloads = %+v, want the unseen Deployment with both pods", snap.Workloads)
	}
	c := snap.Workloads[0].Pods[0].Containers
	if len(c) != 3 || c[0].Type != ContainerInit || c[0].ImageIDError == "" || c[1].ImageID.String() != "docker.io/library/nginx@"+digestA ||
		c[2].Type != ContainerEphemeral || c[2].ImageID != (ImageRef{}) {
		t.Errorf("containers = %+v", c)
	}
	want := []ImageUse{{Workload: snap.Workloads[0].Ref, Pod: "web-1-a", Container: "web", Type: ContainerApp}}
	if len(snap.Images) != 1 || snap.Images[0].Repo != "docker.io/library/nginx" || !slices.Equal(snap.Images[0].Uses, want) {
		t.Errorf("images = %+v, want nginx run by web-1-a only (web-1-b finished)", snap.Images)
	}
}

func TestSnapshotDeleteLeavesTombstone(t *testing.T) {
	s := newState()
	pod := runningPod("web-1-a", corev1.PodRunning)
	s.put(table("Pod"), pod)
	before := s.snapshot().Generation
	s.remove(table("Pod"), pod)
	snap := s.snapshot()
	if len(snap.Workloads) != 0 || len(snap.Images) != 0 || snap.Generation <= before {
		t.Errorf("after delete: %d workloads, %d images, generation %d -> %d", len(snap.Workloads), len(snap.Images), before, snap.Generation)
	}
	if len(snap.Tombstones) != 1 || snap.Tombstones[0].String() != "Pod/shop/web-1-a" || snap.Tombstones[0].Deleted.IsZero() {
		t.Errorf("tombstones = %+v", snap.Tombstones)
	}
	select {
	case <-s.changed:
	default:
		t.Error("no change notification")
	}
}

func TestNodeRoles(t *testing.T) {
	got := nodeRoles(map[string]string{"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/worker": "true",
		"kubernetes.io/role": "worker", "node-role.kubernetes.io/": "x", "kubernetes.io/hostname": "n1"})
	if !slices.Equal(got, []string{"control-plane", "worker"}) {
		t.Errorf("roles = %v", got)
	}
}

func TestStripBulk(t *testing.T) {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1", Annotations: map[string]string{lastApplied: "{...}", "keep": "1"},
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubelet"}}},
		Status: corev1.NodeStatus{Images: []corev1.ContainerImage{{Names: []string{"x"}}}, NodeInfo: corev1.NodeSystemInfo{KubeletVersion: "v1.37.2"}}}
	out, err := stripBulk(n)
	if err != nil {
		t.Fatal(err)
	}
	got := out.(*corev1.Node)
	if got.ManagedFields != nil || got.Status.Images != nil || got.Annotations[lastApplied] != "" || got.Annotations["keep"] != "1" || got.Status.NodeInfo.KubeletVersion == "" {
		t.Errorf("stripped node = %+v", got)
	}
	if out, _ := stripBulk("not an object"); out != "not an object" {
		t.Error("a non-object was changed")
	}
}
