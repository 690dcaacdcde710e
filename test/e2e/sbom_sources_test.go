package e2e

import (
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/testbed"
)

// dpkgQuery lists "name version source sourceVersion" with dpkg itself.
func dpkgQuery(t *testing.T, root string) []string {
	t.Helper()
	out, err := exec.Command("dpkg-query", "--admindir="+root+"/var/lib/dpkg", "-W",
		"-f", "${Package} ${Version} ${source:Package} ${source:Version}\n").Output()
	if err != nil {
		testbed.Unavailable(t, "dpkg-query", "%v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	slices.Sort(lines)
	return lines
}

func debLines(s *sbom.SBOM) []string {
	var lines []string
	for _, p := range s.Packages {
		if p.Type == sbom.TypeDeb {
			lines = append(lines, p.Name+" "+p.Version+" "+p.Source.Name+" "+p.Source.Version)
		}
	}
	slices.Sort(lines)
	return lines
}

func scan(t *testing.T, target string) *sbom.SBOM {
	t.Helper()
	tg, err := image.ParseTarget(target)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := sbom.FromTarget(ctx, tg, sbom.TargetOptions{Image: image.Options{TempDir: t.TempDir()}})
	if err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	return s
}

// TestDebianPackagesEqualDpkgQuery scans one real Debian root file system
// from every source (directory, docker-archive, Docker Engine, registry)
// and compares the dpkg packages with dpkg-query's own list.
func TestDebianPackagesEqualDpkgQuery(t *testing.T) {
	root := testbed.DebianLangsRootfs(t)
	want := dpkgQuery(t, root)
	host := testbed.DockerHost(t)
	const tag = "bulwark/debian-langs:bookworm"
	archive := testbed.DockerImage(t, host, root, tag)
	reg := testbed.Registry(t)
	remote := reg + "/" + tag
	testbed.Docker(t, host, "tag", tag, remote)
	testbed.Docker(t, host, "push", "-q", remote)
	t.Setenv("DOCKER_HOST", host)
	ociDir, ociArchive := ociLayout(t, remote)

	for _, target := range []string{"dir:" + root, "docker-archive:" + archive, "docker:" + tag, "registry:" + remote,
		"oci-dir:" + ociDir, "oci-archive:" + ociArchive} {
		t.Run(strings.SplitN(target, ":", 2)[0], func(t *testing.T) {
			s := scan(t, target)
			got := debLines(s)
			if !slices.Equal(got, want) {
				t.Errorf("%s: %d dpkg packages, dpkg-query lists %d\nmissing: %v\nextra: %v", target, len(got), len(want), minus(want, got), minus(got, want))
			}
			if s.Distro.ID != "debian" || s.Distro.VersionID != "12" {
				t.Errorf("distro = %+v, want debian 12", s.Distro)
			}
			if !strings.HasPrefix(target, "dir:") {
				for _, p := range s.Packages {
					if len(p.Locations) == 0 || !strings.HasPrefix(p.Locations[0].Layer, "sha256:") {
						t.Fatalf("%s %s: no layer recorded: %+v", p.Name, p.Version, p.Locations)
					}
				}
			}
		})
	}
}

// ociLayout writes the registry image as an OCI image layout (as `crane pull
// --format=oci` does, with the same library), and as a tarball of it.
func ociLayout(t *testing.T, ref string) (dir, archive string) {
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(r)
	if err != nil {
		t.Fatalf("pull %s: %v", ref, err)
	}
	dir = t.TempDir()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	archive = filepath.Join(t.TempDir(), "oci.tar")
	if out, err := exec.Command("tar", "-C", dir, "-cf", archive, ".").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v: %s", err, out)
	}
	return dir, archive
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
