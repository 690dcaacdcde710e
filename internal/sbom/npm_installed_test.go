package sbom

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

func TestNPMInstalledMatch(t *testing.T) {
	tests := map[string]bool{
		"node_modules/lodash/package.json":                           true,
		"app/node_modules/@babel/core/package.json":                  true,
		"app/node_modules/a/node_modules/b/package.json":             true,
		"app/node_modules/.pnpm/a@1.0.0/node_modules/a/package.json": true,
		"usr/share/nodejs/lodash/package.json":                       true,
		"usr/share/nodejs/@types/node/package.json":                  true,
		"usr/lib/nodejs/npm/package.json":                            true,
		"usr/lib/x86_64-linux-gnu/nodejs/bcrypt/package.json":        true,
		"app/package.json":                                           false,
		"package.json":                                               false,
		"node_modules/package.json":                                  false,
		"node_modules/@babel/package.json":                           false,
		"node_modules/lodash/fp/package.json":                        false,
		"node_modules/@babel/core/lib/package.json":                  false,
		"node_modules/.bin/package.json":                             false,
		"node_modules/lodash/package.json.orig":                      false,
		"node_modules/lodash/index.js":                               false,
		"usr/share/nodejs/package.json":                              false,
		"usr/share/doc/nodejs/x/package.json":                        false,
		"usr/lib/a/b/nodejs/x/package.json":                          false,
	}
	checkMatch(t, newNPMInstalledCataloger(), tests)
}

// TestNPMInstalledFixture reads the package.json files npm installed for
// the fixture project, next to a shim package.json deeper inside react and
// two from Debian's node-minimist and node-types-minimist.
func TestNPMInstalledFixture(t *testing.T) {
	pkgs, err := manifestRun(t, newNPMInstalledCataloger(), os.DirFS("testdata/npm/installed"))
	if err != nil {
		t.Fatal(err)
	}
	want := append(slices.Clone(npmFixtureTree), "@types/minimist@1.2.2", "minimist@1.2.7")
	slices.Sort(want)
	if got := manifestNameVersions(pkgs); len(pkgs) != len(want) || !slices.Equal(got, want) {
		t.Errorf("%d packages, differing:%s", len(pkgs), manifestDiff(got, want))
	}
	for _, p := range pkgs {
		if p.Name == "@types/minimist" && (p.PURL != "pkg:npm/%40types/minimist@1.2.2" ||
			p.Locations[0].Path != "usr/share/nodejs/@types/minimist/package.json") {
			t.Errorf("bad package %+v", p)
		}
	}
}

func TestNPMInstalledManifests(t *testing.T) {
	tests := []struct {
		name, json string
		want       string // name@version [licenses], or "" for none
	}{
		{"spdx string", `{"name": "a", "version": "1.0.0", "license": "MIT"}`, "a@1.0.0 [MIT]"},
		{"type object", `{"name": "a", "version": "1.0.0", "license": {"type": "ISC", "url": "x"}}`, "a@1.0.0 [ISC]"},
		{"licenses array", `{"name": "a", "version": "1.0.0", "licenses": [{"type": "MIT"}, {"type": "GPL-2.0"}]}`, "a@1.0.0 [MIT GPL-2.0]"},
		{"byte order mark", "\ufeff" + `{"name": "a", "version": "1.0.0"}`, "a@1.0.0 []"},
		{"no version", `{"name": "a"}`, ""},
		{"no name", `{"version": "1.0.0"}`, ""},
		{"odd license", `{"name": "a", "version": "1.0.0", "license": 7}`, "a@1.0.0 []"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkgs, err := npmParseManifest("node_modules/a/package.json", []byte(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for _, p := range pkgs {
				got = p.Name + "@" + p.Version + " [" + strings.Join(p.Licenses, " ") + "]"
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	fsys := fstest.MapFS{"node_modules/a/package.json": {Data: []byte("{")}}
	if _, err := manifestRun(t, newNPMInstalledCataloger(), fsys); err == nil || !strings.Contains(err.Error(), "node_modules/a/package.json") {
		t.Errorf("bad JSON: error %v does not name the file", err)
	}
}

// npmRealPackages are installed for real by TestNPMAgreesWithNPMLs: old,
// pinned versions with a deep tree (express pulls in about 50 packages).
var npmRealPackages = []string{"lodash@4.17.20", "minimist@1.2.5", "@babel/code-frame@7.12.13", "express@4.17.1"}

// TestNPMAgreesWithNPMLs installs real packages with npm and checks that
// both the lockfile and the installed cataloger find exactly the packages
// `npm ls --all` reports.
func TestNPMAgreesWithNPMLs(t *testing.T) {
	if testing.Short() {
		t.Skip("installs packages with npm")
	}
	if _, err := exec.LookPath("npm"); err != nil {
		testbed.Unavailable(t, "npm", "not on PATH (apt-get install npm)")
	}
	dir := npmInstallTree(t, npmRealPackages)
	want := npmLsAll(t, dir)
	t.Logf("npm ls --all: %d distinct packages", len(want))
	for _, c := range []Cataloger{newNPMLockCataloger(), newNPMInstalledCataloger()} {
		pkgs, err := manifestRun(t, c, os.DirFS(dir))
		if err != nil {
			t.Errorf("%s: %v", c.Name(), err)
		}
		got := manifestNameVersions(pkgs)
		t.Logf("%s: %d packages, %d distinct", c.Name(), len(pkgs), len(got))
		if !slices.Equal(got, want) {
			t.Errorf("%s differs from npm ls:%s", c.Name(), manifestDiff(got, want))
		}
	}
}

// npmInstallTree returns a directory where pkgs are installed, kept in
// ~/.cache/bulwark-ci between runs. It skips the test when npm cannot
// install them (no registry).
func npmInstallTree(t *testing.T, pkgs []string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(strings.Join(pkgs, "\n")))
	home, err := os.UserHomeDir()
	if err != nil {
		testbed.Unavailable(t, "home directory", "for the npm cache: %v", err)
	}
	dir := filepath.Join(home, ".cache", "bulwark-ci", "npm-tree-"+hex.EncodeToString(sum[:8]))
	if _, err := os.Stat(filepath.Join(dir, "package-lock.json")); err == nil {
		return dir
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "npm-tree-tmp-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	manifest := `{"name": "bulwark-npm-tree", "version": "1.0.0", "private": true}`
	if err := os.WriteFile(filepath.Join(tmp, "package.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"install", "--no-audit", "--no-fund", "--ignore-scripts", "--save-exact",
		"--fetch-retries=1", "--fetch-timeout=30000"}, pkgs...)
	if out, err := npmCommand(t, tmp, args...); err != nil {
		testbed.Unavailable(t, "npm registry", "npm install failed; is the registry reachable? %v\n%s", err, out)
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another run may have finished the same tree first.
		if _, statErr := os.Stat(filepath.Join(dir, "package-lock.json")); statErr != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// npmCommand runs npm in dir, with a time limit.
func npmCommand(t *testing.T, dir string, args ...string) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	return append(out, stderr.Bytes()...), err
}

// npmLsNode is one node of `npm ls --json` output.
type npmLsNode struct {
	Version      string               `json:"version"`
	Dependencies map[string]npmLsNode `json:"dependencies"`
}

// npmLsAll returns the sorted, distinct name@version `npm ls --all` lists
// for the project in dir.
func npmLsAll(t *testing.T, dir string) []string {
	t.Helper()
	out, err := npmCommand(t, dir, "ls", "--all", "--json")
	if err != nil {
		t.Fatalf("npm ls: %v\n%s", err, out)
	}
	var root npmLsNode
	if err := json.Unmarshal(out, &root); err != nil {
		t.Fatalf("npm ls output: %v", err)
	}
	var all []string
	var walk func(deps map[string]npmLsNode)
	walk = func(deps map[string]npmLsNode) {
		for name, d := range deps {
			all = append(all, name+"@"+d.Version)
			walk(d.Dependencies)
		}
	}
	walk(root.Dependencies)
	slices.Sort(all)
	return slices.Compact(all)
}
