package e2e

import (
	"bufio"
	"context"
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
