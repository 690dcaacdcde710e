package e2e

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// TestServeSyncAndDelete connects a registry that already holds images
// (one pushed by docker push from the test bed's engine, one by the
// go-containerregistry client): the catalog sync finds and scans both (an
// import). A manifest deleted from the registry leaves the results at the
// next sync.
func TestServeSyncAndDelete(t *testing.T) {
	vd := testbed.Vulndata(t)
	testbed.Heavy(t)
	host := testbed.DockerHost(t)
	root := testbed.DebianRootfs(t)
	testbed.DockerImage(t, host, root, "bulwark/debian:bookworm")
	reg := testbed.NotifyingRegistry(t, freePort(t), "none")
	testbed.Docker(t, host, "tag", "bulwark/debian:bookworm", reg+"/base/debian:bookworm")
	testbed.Docker(t, host, "push", reg+"/base/debian:bookworm")
	appDigest, push := appImage(t, "# sync")
	push(reg + "/shop/app:2.0")

	data := t.TempDir()
	if _, stderr, code := runBulwark(t, "db", "import", "-q", "--db-dir", filepath.Join(data, "db"),
		filepath.Join(vd, "Go", "all.zip"), filepath.Join(vd, "PyPI", "all.zip"), filepath.Join(vd, "debian")); code != 0 {
		t.Fatalf("db import: %s", stderr)
	}
	srv := startServe(t, data, freePort(t))
	var created struct{ ID int64 }
	if c := srv.api(t, srv.token, "POST", "/api/v1/registries", map[string]any{"url": "http://" + reg}, &created); c != 201 {
		t.Fatalf("connect: %d", c)
	}
	var list imageList
	waitFor(t, "both images to be found and scanned", 4*time.Minute, func() bool {
		srv.api(t, srv.token, "GET", "/api/v1/images", nil, &list)
		scanned := 0
		for _, it := range list.Items {
			if it.Scanned {
				scanned++
			}
		}
		return list.Total == 2 && scanned == 2
	})
	for _, it := range list.Items {
		if it.Repository == "base/debian" && (it.Counts == nil || len(it.Tags) != 1 || it.Tags[0] != "bookworm") {
			t.Errorf("debian image = %+v", it)
		}
	}

	// Delete the app image from the registry, then sync.
	ref, _ := name.ParseReference(reg+"/shop/app@"+appDigest, name.Insecure)
	if err := remote.Delete(ref); err != nil {
		t.Fatalf("delete from the registry: %v", err)
	}
	if c := srv.api(t, srv.token, "POST", fmt.Sprintf("/api/v1/registries/%d/sync", created.ID), nil, nil); c != 202 {
		t.Fatalf("sync: %d", c)
	}
	waitFor(t, "the deleted image to leave the results", time.Minute, func() bool {
		srv.api(t, srv.token, "GET", "/api/v1/images", nil, &list)
		return list.Total == 1 && list.Items[0].Repository == "base/debian"
	})
	srv.api(t, srv.token, "GET", "/api/v1/images?deleted=true", nil, &list)
	if list.Total != 2 {
		t.Errorf("with deleted=true: %d images, want the deleted one kept for history", list.Total)
	}
}
