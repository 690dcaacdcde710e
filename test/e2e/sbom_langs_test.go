package e2e

import (
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/testbed"
)

// languageReference lists, by walking the rootfs with plain rules written
// here, the language package files Debian installed: every Python
// dist-info/egg-info, every jar in /usr/share/java, every gemspec, every
// package.json of a Node module in /usr/share/nodejs.
func languageReference(t *testing.T, root string) map[string]string {
	ref := map[string]string{}
	fsys := os.DirFS(root)
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink != 0 {
			return nil // a symlinked copy is the same package as its target
		}
		base := path.Base(p)
		dir := path.Dir(p)
		switch {
		case strings.HasSuffix(dir, "dist-packages") && (strings.HasSuffix(base, ".egg-info") || strings.HasSuffix(base, ".dist-info")):
			ref[p] = "pypi"
		case dir == "usr/share/java" && strings.HasSuffix(base, ".jar"):
			ref[p] = "maven"
		case path.Base(dir) == "specifications" && strings.HasSuffix(base, ".gemspec"):
			ref[p] = "gem"
		case base == "package.json" && (path.Dir(dir) == "usr/share/nodejs" || path.Dir(path.Dir(dir)) == "usr/share/nodejs" && strings.HasPrefix(path.Base(path.Dir(dir)), "@")):
			ref[p] = "npm"
		}
		return nil
	})
	return ref
}

// TestDebianLanguagePackagesFound checks that every language package the
// Debian rootfs holds is found, from the directory and from its image, and
// that each is linked to the Debian package that owns its files.
func TestDebianLanguagePackagesFound(t *testing.T) {
	root := testbed.DebianLangsRootfs(t)
	ref := languageReference(t, root)
	kinds := map[string]int{}
	for _, k := range ref {
		kinds[k]++
	}
	for _, k := range []string{"pypi", "maven", "gem", "npm"} {
		if kinds[k] == 0 {
			t.Fatalf("the rootfs holds no %s packages: the fixture is not what this test expects (%v)", k, kinds)
		}
	}
	host := testbed.DockerHost(t)
	archive := testbed.DockerImage(t, host, root, "bulwark/debian-langs:bookworm")
	for _, target := range []string{"dir:" + root, "docker-archive:" + archive} {
		t.Run(strings.SplitN(target, ":", 2)[0], func(t *testing.T) {
			s := scan(t, target)
			found := map[string]*sbom.Package{}
			for i, p := range s.Packages {
				for _, l := range p.Locations {
					found[l.Path] = &s.Packages[i]
					found[path.Dir(l.Path)] = &s.Packages[i] // dist-info/METADATA -> dist-info
				}
			}
			for p, kind := range ref {
				pkg, ok := found[p]
				if !ok {
					t.Errorf("%s package at %s not found", kind, p)
					continue
				}
				if string(pkg.Type) != kind {
					t.Errorf("%s: type %s, want %s", p, pkg.Type, kind)
				}
				if pkg.OwnedBy == "" && !strings.Contains(p, "/gems/3.1.0/specifications/default/") {
					t.Errorf("%s (%s %s) is not linked to the Debian package owning it", p, pkg.Name, pkg.Version)
				}
			}
			t.Logf("%s: %d language package files in the reference (%v), all found", target, len(ref), kinds)
		})
	}
}
