package sbom

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// npmFixtureTree is what `npm ls --all` listed for the project every real
// lockfile under testdata/npm was made from: `npm install`, `yarn add`
// (1 and 4) and `pnpm add` (7, 8 and 9) of @babel/code-frame@7.12.13
// minimist@1.2.5 react-dom@18.2.0 react@18.2.0 ms@2.1.3 debug@2.6.9.
var npmFixtureTree = []string{
	"@babel/code-frame@7.12.13", "@babel/helper-validator-identifier@7.29.7",
	"@babel/highlight@7.25.9", "ansi-styles@3.2.1", "chalk@2.4.2",
	"color-convert@1.9.3", "color-name@1.1.3", "debug@2.6.9",
	"escape-string-regexp@1.0.5", "has-flag@3.0.0", "js-tokens@4.0.0",
	"loose-envify@1.4.0", "minimist@1.2.5", "ms@2.0.0", "ms@2.1.3",
	"picocolors@1.1.1", "react-dom@18.2.0", "react@18.2.0",
	"scheduler@0.23.2", "supports-color@5.5.0",
}

func TestNPMLockMatch(t *testing.T) {
	tests := map[string]bool{
		"package-lock.json":                          true,
		"app/package-lock.json":                      true,
		"srv/app/npm-shrinkwrap.json":                true,
		"node_modules/.package-lock.json":            false,
		"node_modules/foo/package-lock.json":         false,
		"app/node_modules/foo/npm-shrinkwrap.json":   false,
		"app/not-package-lock.json":                  false,
		"app/package-lock.json.bak":                  false,
		"app/package.json":                           false,
		"app/my_node_modules/app/package-lock.json":  true,
		"app/node_modules_old/app/package-lock.json": true,
	}
	c := newNPMLockCataloger()
	checkMatch(t, c, tests)
	if c.Match("app/package-lock.json", os.ModeDir) {
		t.Error("Match chose a directory")
	}
}

// TestNPMLockRealFiles reads lockfiles npm wrote in each lockfile version.
func TestNPMLockRealFiles(t *testing.T) {
	for _, dir := range []string{"lock-v1", "lock-v2", "lock-v3"} {
		t.Run(dir, func(t *testing.T) {
			pkgs, err := manifestRun(t, newNPMLockCataloger(), os.DirFS("testdata/npm/"+dir))
			if err != nil {
				t.Fatal(err)
			}
			got := manifestNameVersions(pkgs)
			if len(pkgs) != len(got) || !slices.Equal(got, npmFixtureTree) {
				t.Errorf("%d packages, differing from npm ls:%s", len(pkgs), manifestDiff(got, npmFixtureTree))
			}
			for _, p := range pkgs {
				if p.Type != TypeNPM || p.Ecosystem != "npm" || len(p.Locations) != 1 || p.Locations[0].Path != "package-lock.json" {
					t.Errorf("bad package %+v", p)
				}
			}
		})
	}
}

func TestNPMLockDetails(t *testing.T) {
	pkgs, err := manifestRun(t, newNPMLockCataloger(), os.DirFS("testdata/npm/lock-v3"))
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(pkgs, func(p Package) bool { return p.Name == "@babel/code-frame" })
	if i < 0 {
		t.Fatal("no @babel/code-frame")
	}
	p := pkgs[i]
	if p.PURL != "pkg:npm/%40babel/code-frame@7.12.13" || !slices.Equal(p.Licenses, []string{"MIT"}) {
		t.Errorf("purl %q, licenses %v", p.PURL, p.Licenses)
	}
}

// npmEdgeLock holds what real lockfiles carry around the plain entries: the
// root, a workspace folder and the link to it, an alias, a nested scoped
// package and the old license forms.
const npmEdgeLock = `{
  "lockfileVersion": 3,
  "packages": {
    "": {"name": "root", "version": "1.0.0"},
    "packages/web": {"name": "web", "version": "0.1.0"},
    "node_modules/web": {"resolved": "packages/web", "link": true},
    "node_modules/old-lodash": {"name": "lodash", "version": "4.17.15"},
    "node_modules/a/node_modules/@scope/b": {"version": "2.0.0", "license": {"type": "ISC"}},
    "node_modules/c": {"version": "3.0.0", "licenses": [{"type": "MIT"}, "Apache-2.0"]},
    "node_modules/optional-missing": {"optional": true}
  }
}`

// npmEdgeLockV1 is a version 1 tree with an alias, a local folder and a
// git dependency, which have no registry version.
const npmEdgeLockV1 = `{
  "lockfileVersion": 1,
  "dependencies": {
    "old-lodash": {"version": "npm:lodash@4.17.15"},
    "local": {"version": "file:../local"},
    "gitdep": {"version": "git+https://example.com/x.git#abc"},
    "a": {"version": "1.0.0", "dependencies": {"@scope/b": {"version": "2.0.0"}}}
  }
}`

func TestNPMLockEdgeCases(t *testing.T) {
	tests := []struct {
		name, lock string
		want       []string
	}{
		{"v3", npmEdgeLock, []string{"@scope/b@2.0.0", "c@3.0.0", "lodash@4.17.15"}},
		{"v1", npmEdgeLockV1, []string{"@scope/b@2.0.0", "a@1.0.0", "lodash@4.17.15"}},
		{"empty object", `{}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"app/package-lock.json": {Data: []byte(tt.lock)}}
			pkgs, err := manifestRun(t, newNPMLockCataloger(), fsys)
			if err != nil {
				t.Fatal(err)
			}
			if got := manifestNameVersions(pkgs); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNPMLockLicensesAndPURL(t *testing.T) {
	pkgs, err := npmParseLock("package-lock.json", []byte(npmEdgeLock))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"@scope/b": "pkg:npm/%40scope/b@2.0.0 [ISC]",
		"c":        "pkg:npm/c@3.0.0 [MIT Apache-2.0]",
		"lodash":   "pkg:npm/lodash@4.17.15 []",
	}
	for _, p := range pkgs {
		if got := p.PURL + " [" + strings.Join(p.Licenses, " ") + "]"; got != want[p.Name] {
			t.Errorf("%s: got %s, want %s", p.Name, got, want[p.Name])
		}
	}
}

func TestNPMLockBadFileNamed(t *testing.T) {
	fsys := fstest.MapFS{
		"a/package-lock.json": {Data: []byte(`{"packages": [`)},
		"b/package-lock.json": {Data: []byte(`{"packages": {"node_modules/x": {"version": "1.0.0"}}}`)},
	}
	pkgs, err := manifestRun(t, newNPMLockCataloger(), fsys)
	if err == nil || !strings.Contains(err.Error(), "a/package-lock.json") {
		t.Errorf("error %v does not name the bad file", err)
	}
	if len(pkgs) != 1 || pkgs[0].Locations[0].Path != "b/package-lock.json" {
		t.Errorf("packages of the good file: %+v", pkgs)
	}
}

func FuzzNPMLock(f *testing.F) {
	for _, s := range []string{npmEdgeLock, npmEdgeLockV1, `{"dependencies": {"a": {"version": "npm:"}}}`} {
		f.Add([]byte(s))
	}
	if b, err := os.ReadFile("testdata/npm/lock-v1/package-lock.json"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		pkgs, _ := npmParseLock("package-lock.json", b)
		for _, p := range pkgs {
			if p.Name == "" || p.Version == "" {
				t.Errorf("package without name or version: %+v", p)
			}
		}
	})
}
