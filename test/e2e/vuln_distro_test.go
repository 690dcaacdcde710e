package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/match"
	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/testbed"
	"github.com/bulwarksec/bulwark/internal/version"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// importDB builds a database from paths in a temporary directory.
func importDB(t *testing.T, paths ...string) *vulndb.DB {
	t.Helper()
	dir := t.TempDir()
	if _, err := vulndb.ImportFiles(context.Background(), dir, paths); err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// triples returns "package ID fixed" of each finding, sorted; ids maps an
// advisory ID to the ID the reference uses (a CVE for ALPINE-CVE-...).
func triples(vs []match.Vulnerability, id func(match.Vulnerability) string) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Package.Name+" "+id(v)+" "+v.Fixed)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestAlpineSecdbVerdicts scans the official Alpine 3.10.3 and 3.10.9
// minirootfs against Alpine's own secdb for v3.10: every package whose
// origin the secdb lists with a fix above the installed version must be
// reported with exactly that fix, and nothing else. The reference reads
// the secdb JSON on its own and orders versions with the apk scheme.
func TestAlpineSecdbVerdicts(t *testing.T) {
	vd := testbed.Vulndata(t)
	alp := testbed.AlpineTarballs(t)
	db := importDB(t, filepath.Join(vd, "alpine", "v3.10", "main.yaml"), filepath.Join(vd, "alpine", "v3.10", "community.yaml"))
	secfixes := readSecdb(t, filepath.Join(vd, "alpine", "v3.10", "main.json"), filepath.Join(vd, "alpine", "v3.10", "community.json"))
	for _, rel := range []string{"3.10.3", "3.10.9"} {
		t.Run(rel, func(t *testing.T) {
			s, err := sbom.CatalogImage(context.Background(), tarballImage(filepath.Join(alp, "alpine-minirootfs-"+rel+"-x86_64.tar.gz")), sbom.Options{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := match.Match(context.Background(), db, s.Packages, match.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := triples(res.Vulnerabilities, func(v match.Vulnerability) string { return strings.TrimPrefix(v.ID, "ALPINE-") })
			// Reference: the installed list beside the tarball, the secdb's
			// fixes for each origin, versions ordered by apk rules.
			var want []string
			for _, line := range readLines(t, filepath.Join(alp, rel+".apk-list.txt")) {
				f := strings.Fields(line) // name version origin
				for _, fx := range secfixes[f[2]] {
					if apkLess(t, f[1], fx.fixed) {
						want = append(want, f[0]+" "+fx.id+" "+fx.fixed)
					}
				}
			}
			slices.Sort(want)
			want = slices.Compact(want)
			if !slices.Equal(got, want) {
				t.Errorf("findings differ from the secdb verdicts:\n%s", diffLists(got, want))
			}
			t.Logf("Alpine %s: %d findings, all equal to the secdb's fixed versions", rel, len(got))
		})
	}
}

// TestAlpineSecdbEarlierFixes: for every origin with two or more fixes in
// a release of the secdb, a package installed at its lowest fixed version
// (a version Alpine really shipped) must be reported by exactly the later
// fixes, each with its own fixed version. (The minirootfs above already
// carry the newest fixes of this old secdb snapshot, so they find none.)
func TestAlpineSecdbEarlierFixes(t *testing.T) {
	vd := testbed.Vulndata(t)
	rels, _ := filepath.Glob(filepath.Join(vd, "alpine", "v3.*"))
	if len(rels) == 0 {
		testbed.Unavailable(t, "Alpine secdb", "no alpine/v3.* in %s", vd)
	}
	var paths []string
	for _, r := range rels {
		paths = append(paths, filepath.Join(r, "main.json"), filepath.Join(r, "community.json"))
	}
	db := importDB(t, paths...)
	total, findings := 0, 0
	for _, r := range rels {
		rel := filepath.Base(r)
		secfixes := readSecdb(t, filepath.Join(r, "main.json"), filepath.Join(r, "community.json"))
		var pkgs []sbom.Package
		for origin, fs := range secfixes {
			if len(fs) < 2 {
				continue
			}
			low := fs[0].fixed
			for _, f := range fs[1:] {
				if apkLess(t, f.fixed, low) {
					low = f.fixed
				}
			}
			pkgs = append(pkgs, sbom.Package{ID: origin, Name: origin, Version: low, Type: sbom.TypeAPK,
				Ecosystem: "Alpine:" + rel, Source: &sbom.Source{Name: origin}})
		}
		res, err := match.Match(context.Background(), db, pkgs, match.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := triples(res.Vulnerabilities, func(v match.Vulnerability) string { return strings.TrimPrefix(v.ID, "ALPINE-") })
		var want []string
		for _, p := range pkgs {
			for _, f := range secfixes[p.Name] {
				if apkLess(t, p.Version, f.fixed) {
					want = append(want, p.Name+" "+f.id+" "+f.fixed)
				}
			}
		}
		slices.Sort(want)
		want = slices.Compact(want)
		if !slices.Equal(got, want) {
			t.Errorf("Alpine %s: findings differ from the secdb's verdicts:\n%s", rel, diffLists(got, want))
		}
		total += len(pkgs)
		findings += len(want)
	}
	if findings == 0 {
		t.Fatal("no findings expected at all: the sample is wrong")
	}
	t.Logf("%d origins at an earlier fixed version across %d releases: %d findings, all equal to the secdb's fixed versions", total, len(rels), findings)
}

type secfix struct{ id, fixed string }

// readSecdb reads secfixes by origin straight from secdb JSON files.
func readSecdb(t *testing.T, paths ...string) map[string][]secfix {
	t.Helper()
	out := map[string][]secfix{}
	idRe := regexp.MustCompile(`^(CVE|XSA|GHSA|ZBX|TALOS|wnpa-sec)-[0-9A-Za-z-]+$`)
	for _, p := range paths {
		var doc struct {
			Packages secdbPackages `json:"packages"`
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, pk := range doc.Packages {
			for fixed, ids := range pk.Pkg.Secfixes {
				if fixed == "0" {
					continue
				}
				for _, entry := range ids {
					for _, id := range strings.Fields(entry) {
						if idRe.MatchString(id) {
							out[pk.Pkg.Name] = append(out[pk.Pkg.Name], secfix{id, fixed})
						}
					}
				}
			}
		}
	}
	return lowestFixes(t, out)
}

// secdbPackages reads a secdb "packages" list; an empty repository has
// an empty string there.
type secdbPackages []struct {
	Pkg struct {
		Name     string            `json:"name"`
		Secfixes map[string]idList `json:"secfixes"`
	} `json:"pkg"`
}

// idList is a secfixes value: a list of IDs, or (in some files) one string.
type idList []string

func (l *idList) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = []string{s}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(l))
}

func (s *secdbPackages) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return nil
	}
	type plain secdbPackages
	return json.Unmarshal(b, (*plain)(s))
}

// lowestFixes keeps, per package and ID, the lowest fixed version: an
// advisory's fixed version is the first that has the fix.
func lowestFixes(t *testing.T, in map[string][]secfix) map[string][]secfix {
	t.Helper()
	out := map[string][]secfix{}
	for name, fs := range in {
		low := map[string]string{}
		for _, f := range fs {
			if cur, ok := low[f.id]; !ok || apkLess(t, f.fixed, cur) {
				low[f.id] = f.fixed
			}
		}
		for id, fx := range low {
			out[name] = append(out[name], secfix{id, fx})
		}
	}
	return out
}

func apkLess(t *testing.T, a, b string) bool {
	t.Helper()
	c, err := versionCompare("apk", a, b)
	if err != nil {
		t.Fatalf("apk versions %q, %q: %v", a, b, err)
	}
	return c < 0
}

// TestDebianTrackerVerdicts checks matching against the Debian security
// tracker's own DSA/DLA lists, with dpkg itself ordering versions: for
// every source package with two or more fixes in one release, a package
// installed at the earlier fixed version (a version Debian really
// shipped) must be reported by exactly the later advisories, each with its
// own fixed version.
func TestDebianTrackerVerdicts(t *testing.T) {
	vd := testbed.Vulndata(t)
	if _, err := exec.LookPath("dpkg"); err != nil {
		testbed.Unavailable(t, "dpkg", "not installed (apt-get install dpkg)")
	}
	lists := []string{filepath.Join(vd, "debian", "data", "DSA", "list"), filepath.Join(vd, "debian", "data", "DLA", "list")}
	db := importDB(t, lists...)
	fixes := readTrackerFixes(t, lists...) // release -> source -> []fix
	checked, findings := 0, 0
	for _, rel := range []string{"bullseye", "buster"} {
		eco := map[string]string{"bullseye": "Debian:11", "buster": "Debian:10"}[rel]
		srcs := make([]string, 0, len(fixes[rel]))
		for s := range fixes[rel] {
			srcs = append(srcs, s)
		}
		slices.Sort(srcs)
		var pkgs []sbom.Package
		for _, src := range srcs {
			fs := fixes[rel][src]
			if len(fs) < 2 {
				continue
			}
			// The lowest fixed version, by dpkg.
			low := fs[0].fixed
			for _, f := range fs[1:] {
				if dpkgLess(t, f.fixed, low) {
					low = f.fixed
				}
			}
			pkgs = append(pkgs, sbom.Package{ID: rel + "/" + src, Name: src, Version: low, Type: sbom.TypeDeb,
				Ecosystem: eco, Source: &sbom.Source{Name: src, Version: low}})
		}
		if len(pkgs) > 150 {
			pkgs = pkgs[:150] // bound the dpkg calls; the sorted prefix is a fixed sample
		}
		res, err := match.Match(context.Background(), db, pkgs, match.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := triples(res.Vulnerabilities, func(v match.Vulnerability) string { return v.ID })
		var want []string
		for _, p := range pkgs {
			for _, f := range fixes[rel][p.Name] {
				if dpkgLess(t, p.Version, f.fixed) {
					want = append(want, p.Name+" "+f.id+" "+f.fixed)
				}
			}
		}
		slices.Sort(want)
		want = slices.Compact(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: findings differ from the tracker's verdicts:\n%s", rel, diffLists(got, want))
		}
		checked += len(pkgs)
		findings += len(want)
	}
	if findings == 0 {
		t.Fatal("no findings expected at all: the sample is wrong")
	}
	t.Logf("%d source packages at an older fixed version: %d findings, all equal to the tracker's fixed versions (dpkg ordering)", checked, findings)
}

type trackerFix struct{ id, fixed string }

// readTrackerFixes reads "[release] - source version" lines under each
// DSA/DLA header, on its own.
func readTrackerFixes(t *testing.T, paths ...string) map[string]map[string][]trackerFix {
	t.Helper()
	head := regexp.MustCompile(`^\[[^\]]+\] (D[SL]A-[0-9]+-[0-9]+) `)
	line := regexp.MustCompile(`^\s+\[([a-z]+)\] - (\S+) ([0-9][^\s]*)`)
	out := map[string]map[string][]trackerFix{}
	for _, p := range paths {
		id := ""
		for _, l := range readLines(t, p) {
			if m := head.FindStringSubmatch(l); m != nil {
				id = m[1]
				continue
			}
			if m := line.FindStringSubmatch(l); m != nil && id != "" {
				if out[m[1]] == nil {
					out[m[1]] = map[string][]trackerFix{}
				}
				out[m[1]][m[2]] = append(out[m[1]][m[2]], trackerFix{id, m[3]})
			}
		}
	}
	return out
}

var dpkgCache = map[[2]string]bool{}

// dpkgLess asks dpkg whether a sorts before b.
func dpkgLess(t *testing.T, a, b string) bool {
	t.Helper()
	k := [2]string{a, b}
	if r, ok := dpkgCache[k]; ok {
		return r
	}
	err := exec.Command("dpkg", "--compare-versions", a, "lt", b).Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("dpkg --compare-versions: %v", err)
	}
	r := err == nil
	dpkgCache[k] = r
	return r
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func diffLists(got, want []string) string {
	var b strings.Builder
	for _, w := range want {
		if !slices.Contains(got, w) {
			fmt.Fprintf(&b, "  missing: %s\n", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			fmt.Fprintf(&b, "  extra:   %s\n", g)
		}
	}
	return b.String()
}

// tarballImage is a one-layer image made of a root file system tarball.
func tarballImage(path string) *image.Image {
	// A rootfs tarball comes with no digest to check it against.
	return &image.Image{Ref: "rootfs:" + path, SkipVerify: true, Layers: []image.Layer{{
		DiffID: "sha256:" + filepath.Base(path), Size: -1,
		Open: func(context.Context) (io.ReadCloser, error) { return os.Open(path) },
	}}}
}

// versionCompare compares with a registered version scheme.
func versionCompare(scheme, a, b string) (int, error) {
	s := version.Lookup(scheme)
	if s == nil {
		return 0, fmt.Errorf("no %s scheme", scheme)
	}
	return version.Compare(s, a, b)
}
