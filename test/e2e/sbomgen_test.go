package e2e

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/testbed"
)

// packagePool holds real packages to draw SBOMs from: the packages of the
// official Alpine 3.10.3 and 3.10.9 minirootfs (each name at the version
// of either release), and the PyPI projects and Go modules that the shared
// advisories name, each at the released versions the advisories list
// (PyPI's "versions", the Go records' introduced and fixed versions).
type packagePool struct {
	alpine [][]sbom.Package // one entry per package name: its versions
	pypi   [][]sbom.Package
	golang [][]sbom.Package
}

func loadPackagePool(t *testing.T, vd, alp string) *packagePool {
	t.Helper()
	p := &packagePool{}
	byName := map[string][]sbom.Package{}
	var names []string
	for _, rel := range []string{"3.10.3", "3.10.9"} {
		for _, line := range readLines(t, filepath.Join(alp, rel+".apk-list.txt")) {
			f := strings.Fields(line) // name version origin
			if _, ok := byName[f[0]]; !ok {
				names = append(names, f[0])
			}
			byName[f[0]] = append(byName[f[0]], sbom.Package{Name: f[0], Version: f[1], Type: sbom.TypeAPK,
				Ecosystem: "Alpine:v3.10", PURL: "pkg:apk/alpine/" + f[0] + "@" + f[1],
				Source: &sbom.Source{Name: f[2], Version: f[1]}, Locations: []sbom.Location{{Path: "lib/apk/db/installed"}}})
		}
	}
	for _, n := range names {
		p.alpine = append(p.alpine, slices.CompactFunc(byName[n], func(a, b sbom.Package) bool { return a.Version == b.Version }))
	}
	p.pypi = osvPackages(t, filepath.Join(vd, "PyPI", "all.zip"), func(name, v string) sbom.Package {
		return sbom.Package{Name: name, Version: v, Type: sbom.TypePython, Ecosystem: "PyPI",
			PURL: "pkg:pypi/" + strings.ToLower(name) + "@" + v, Locations: []sbom.Location{{Path: "app/requirements.txt"}}}
	})
	p.golang = osvPackages(t, filepath.Join(vd, "Go", "all.zip"), func(name, v string) sbom.Package {
		return sbom.Package{Name: name, Version: "v" + v, Type: sbom.TypeGo, Ecosystem: "Go",
			PURL: "pkg:golang/" + name + "@v" + v, Locations: []sbom.Location{{Path: "app/server"}}}
	})
	if len(p.alpine) == 0 || len(p.pypi) < 100 || len(p.golang) < 100 {
		t.Fatalf("package pool too small: %d Alpine, %d PyPI, %d Go names", len(p.alpine), len(p.pypi), len(p.golang))
	}
	return p
}

// osvPackages reads an OSV export zip and returns, per package name, the
// versions its records list (for PyPI) or name as introduced or fixed.
func osvPackages(t *testing.T, path string, mk func(name, version string) sbom.Package) [][]sbom.Package {
	t.Helper()
	versions := map[string][]string{}
	testbed.EachZipFile(t, path, func(name string, b []byte) {
		var rec struct {
			Affected []struct {
				Package  struct{ Name string }
				Versions []string
				Ranges   []struct {
					Events []struct{ Introduced, Fixed string }
				}
			}
		}
		if err := json.Unmarshal(b, &rec); err != nil {
			t.Fatalf("%s in %s: %v", name, path, err)
		}
		for _, a := range rec.Affected {
			vs := a.Versions
			for _, r := range a.Ranges {
				for _, e := range r.Events {
					vs = append(vs, e.Introduced, e.Fixed)
				}
			}
			for _, v := range vs {
				if v != "" && v != "0" && a.Package.Name != "" {
					versions[a.Package.Name] = append(versions[a.Package.Name], v)
				}
			}
		}
	})
	names := make([]string, 0, len(versions))
	for n := range versions {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([][]sbom.Package, 0, len(names))
	for _, n := range names {
		vs := versions[n]
		slices.Sort(vs)
		var pkgs []sbom.Package
		for _, v := range slices.Compact(vs) {
			pkgs = append(pkgs, mk(n, v))
		}
		out = append(out, pkgs)
	}
	return out
}

// sboms returns n distinct SBOMs: an Alpine 3.10 base with each package
// at the version of either release, plus 5 to 40 PyPI projects and 2 to
// 20 Go modules, each at one of its listed versions, drawn with a fixed
// seed.
func (p *packagePool) sboms(n int) []*sbom.SBOM {
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	var out []*sbom.SBOM
	for len(out) < n {
		var pkgs []sbom.Package
		for _, vs := range p.alpine {
			pkgs = append(pkgs, vs[rng.IntN(len(vs))])
		}
		pkgs = append(pkgs, pick(rng, p.pypi, 5+rng.IntN(36))...)
		pkgs = append(pkgs, pick(rng, p.golang, 2+rng.IntN(19))...)
		var key strings.Builder
		for i := range pkgs {
			pkgs[i].ID = fmt.Sprintf("%s-%s", pkgs[i].Type, pkgs[i].Name)
			key.WriteString(pkgs[i].Name + "@" + pkgs[i].Version + " ")
		}
		if seen[key.String()] {
			continue
		}
		seen[key.String()] = true
		out = append(out, &sbom.SBOM{Source: sbom.SourceInfo{Target: fmt.Sprintf("generated:%d", len(out))},
			Distro: sbom.Distro{ID: "alpine", VersionID: "3.10.3", PrettyName: "Alpine Linux v3.10"}, Packages: pkgs})
	}
	return out
}

// pick draws k distinct names from pool, each at a random version.
func pick(rng *rand.Rand, pool [][]sbom.Package, k int) []sbom.Package {
	var out []sbom.Package
	for _, i := range rng.Perm(len(pool))[:k] {
		vs := pool[i]
		out = append(out, vs[rng.IntN(len(vs))])
	}
	return out
}
