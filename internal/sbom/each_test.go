package sbom

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// manifestRun offers every file of fsys to c's Match, as the driver does,
// and catalogs the chosen ones.
func manifestRun(t *testing.T, c Cataloger, fsys fs.FS) ([]Package, error) {
	t.Helper()
	var paths []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if info, err := d.Info(); err == nil && c.Match(p, info.Mode()) {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(paths)
	return c.Catalog(context.Background(), Input{FS: fsys, Paths: paths})
}

// manifestNameVersions returns the sorted, distinct name@version of pkgs.
func manifestNameVersions(pkgs []Package) []string {
	var out []string
	for _, p := range pkgs {
		out = append(out, p.Name+"@"+p.Version)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// manifestDiff describes how got and want, both sorted, differ.
func manifestDiff(got, want []string) string {
	var b strings.Builder
	for _, w := range want {
		if !slices.Contains(got, w) {
			b.WriteString(" missing " + w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			b.WriteString(" extra " + g)
		}
	}
	return b.String()
}

func TestEachManifestKeepsGoing(t *testing.T) {
	fsys := fstest.MapFS{"good": {Data: []byte("x")}, "bad": {Data: []byte("y")}}
	parse := func(p string, b []byte) ([]Package, error) {
		if p == "bad" {
			return nil, errors.New("broken")
		}
		return []Package{{Name: p}}, nil
	}
	in := Input{FS: fsys, Paths: []string{"bad", "gone", "good"}}
	pkgs, err := eachManifest(context.Background(), in, parse)
	if len(pkgs) != 1 || pkgs[0].Name != "good" {
		t.Errorf("packages = %v, want the good one", pkgs)
	}
	for _, p := range []string{"bad: broken", "gone"} {
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("error %v does not name %q", err, p)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := eachManifest(ctx, in, parse); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: error = %v, want context.Canceled", err)
	}
}

// checkMatch asks c's Match about regular files at each path and wants
// the given answer.
func checkMatch(t *testing.T, c Cataloger, paths map[string]bool) {
	t.Helper()
	for name, want := range paths {
		if got := c.Match(name, 0o644); got != want {
			t.Errorf("Match(%q) = %v, want %v", name, got, want)
		}
	}
}
