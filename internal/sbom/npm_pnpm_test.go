package sbom

import (
	"os"
	"slices"
	"testing"
	"testing/fstest"
)

func TestPNPMLockMatch(t *testing.T) {
	tests := map[string]bool{
		"pnpm-lock.yaml":                    true,
		"srv/app/pnpm-lock.yaml":            true,
		"app/node_modules/.pnpm/lock.yaml":  false,
		"app/node_modules/x/pnpm-lock.yaml": false,
		"app/pnpm-lock.yml":                 false,
		"app/pnpm-workspace.yaml":           false,
	}
	checkMatch(t, newPNPMLockCataloger(), tests)
}

// TestPNPMLockRealFiles reads the lockfiles pnpm 7 (lockfile 5.4), 8 (6.0)
// and 9 (9.0) wrote for the fixture project; react-dom carries a peer
// suffix in each.
func TestPNPMLockRealFiles(t *testing.T) {
	for _, dir := range []string{"pnpm-v5", "pnpm-v6", "pnpm-v9"} {
		t.Run(dir, func(t *testing.T) {
			pkgs, err := manifestRun(t, newPNPMLockCataloger(), os.DirFS("testdata/npm/"+dir))
			if err != nil {
				t.Fatal(err)
			}
			got := manifestNameVersions(pkgs)
			if len(pkgs) != len(got) || !slices.Equal(got, npmFixtureTree) {
				t.Errorf("%d packages, differing from npm ls:%s", len(pkgs), manifestDiff(got, npmFixtureTree))
			}
		})
	}
}

func TestPNPMParseKey(t *testing.T) {
	tests := []struct {
		key           string
		v5            bool
		name, version string
	}{
		{"/lodash/4.17.21", true, "lodash", "4.17.21"},
		{"/@babel/core/7.20.0", true, "@babel/core", "7.20.0"},
		{"/react-dom/18.2.0_react@18.2.0", true, "react-dom", "18.2.0"},
		{"/@testing-library/react/13.4.0_biqbaboplfbrettd7655fr4n2y", true, "@testing-library/react", "13.4.0"},
		{"/string_decoder/1.3.0", true, "string_decoder", "1.3.0"},
		{"/lodash@4.17.21", false, "lodash", "4.17.21"},
		{"/@babel/core@7.20.0", false, "@babel/core", "7.20.0"},
		{"/react-dom@18.2.0(react@18.2.0)", false, "react-dom", "18.2.0"},
		{"@emotion/react@11.11.1(@types/react@18.2.0)(react@18.2.0)", false, "@emotion/react", "11.11.1"},
		{"string_decoder@1.3.0", false, "string_decoder", "1.3.0"},
		{"@scope", false, "", ""},
		{"@scope/name", true, "", ""},
	}
	for _, tt := range tests {
		name, version := pnpmParseKey(tt.key, tt.v5)
		if name != tt.name || version != tt.version {
			t.Errorf("pnpmParseKey(%q) = %q, %q, want %q, %q", tt.key, name, version, tt.name, tt.version)
		}
	}
}

// pnpmEdgeLock has a tarball package whose key carries no version (name
// and version are fields) and a local directory dependency, which has no
// registry version; a config document comes first, as pnpm 10 writes.
const pnpmEdgeLock = `---
lockfileVersion: '9.0'

importers:
  .:
    configDependencies: {}

---
lockfileVersion: '9.0'

packages:
  tarball@https://example.com/tarball-1.0.0.tgz:
    resolution: {tarball: https://example.com/tarball-1.0.0.tgz}
    name: tarball
    version: 1.0.0
  local@file:../local:
    resolution: {directory: ../local, type: directory}
  lodash@4.17.21:
    resolution: {integrity: sha512-v2kDE}
`

func TestPNPMLockEdgeCases(t *testing.T) {
	fsys := fstest.MapFS{"app/pnpm-lock.yaml": {Data: []byte(pnpmEdgeLock)}}
	pkgs, err := manifestRun(t, newPNPMLockCataloger(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"lodash@4.17.21", "tarball@1.0.0"}
	if got := manifestNameVersions(pkgs); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, err := pnpmParseLock("pnpm-lock.yaml", []byte("packages: [")); err == nil {
		t.Error("no error for broken YAML")
	}
}

func FuzzPNPMLock(f *testing.F) {
	f.Add([]byte(pnpmEdgeLock))
	for _, dir := range []string{"pnpm-v5", "pnpm-v6"} {
		if b, err := os.ReadFile("testdata/npm/" + dir + "/pnpm-lock.yaml"); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		pkgs, _ := pnpmParseLock("pnpm-lock.yaml", b)
		for _, p := range pkgs {
			if p.Name == "" || p.Version == "" {
				t.Errorf("package without name or version: %+v", p)
			}
		}
	})
}
