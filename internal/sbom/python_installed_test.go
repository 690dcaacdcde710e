package sbom

import (
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
)

// The fixtures under testdata/python/installed were written by hand in the
// core metadata format that pip, setuptools and Debian install.
func TestPythonInstalledCatalog(t *testing.T) {
	const sp = "opt/venv/lib/python3.12/site-packages/"
	tests := []struct {
		path, name, version, purl string
		licenses                  []string
	}{
		{"usr/local/lib/python3.11/site-packages/Flask_Login-0.6.3.dist-info/METADATA",
			"Flask-Login", "0.6.3", "pkg:pypi/flask-login@0.6.3", []string{"MIT"}},
		{"usr/local/lib/python3.11/site-packages/zope.interface-6.0.dist-info/METADATA",
			"zope.interface", "6.0", "pkg:pypi/zope-interface@6.0", []string{"ZPL-2.1"}},
		{"usr/lib/python3/dist-packages/six-1.16.0.egg-info",
			"six", "1.16.0", "pkg:pypi/six@1.16.0", []string{"MIT"}},
		{sp + "ruamel.yaml-0.17.21.egg-info/PKG-INFO",
			"ruamel.yaml", "0.17.21", "pkg:pypi/ruamel-yaml@0.17.21", []string{"MIT License"}},
		{sp + "setuptools_scm-7.1.0-py3.12.egg/EGG-INFO/PKG-INFO",
			"setuptools-scm", "7.1.0", "pkg:pypi/setuptools-scm@7.1.0", []string{"MIT License", "Public Domain"}},
		{sp + "crlf-2.0.dist-info/METADATA",
			"CRLF_Pkg", "2.0", "pkg:pypi/crlf-pkg@2.0", []string{"BSD-3-Clause"}},
	}
	pkgs, err := langCatalogFS(t, newPythonInstalledCataloger(), os.DirFS("testdata/python/installed"))
	if err == nil || !strings.Contains(err.Error(), sp+"broken-1.0.dist-info/METADATA") {
		t.Errorf("error = %v, want one naming the broken METADATA", err)
	}
	if len(pkgs) != len(tests) {
		t.Fatalf("got %d packages, want %d: %+v", len(pkgs), len(tests), pkgs)
	}
	byPath := map[string]Package{}
	for _, p := range pkgs {
		byPath[p.Locations[0].Path] = p
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := byPath[tt.path]
			if !ok {
				t.Fatalf("no package at %s", tt.path)
			}
			if p.Name != tt.name || p.Version != tt.version || p.PURL != tt.purl ||
				!slices.Equal(p.Licenses, tt.licenses) {
				t.Errorf("got %s %s %s %q, want %s %s %s %q", p.Name, p.Version, p.PURL, p.Licenses,
					tt.name, tt.version, tt.purl, tt.licenses)
			}
			if p.Type != TypePython || p.Ecosystem != "PyPI" {
				t.Errorf("type %q ecosystem %q", p.Type, p.Ecosystem)
			}
		})
	}
}

func TestPythonInstalledMatch(t *testing.T) {
	tests := []struct {
		name string
		mode fs.FileMode
		want bool
	}{
		{"usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO", 0, true},
		{"usr/lib/python3/dist-packages/six-1.16.0.egg-info", 0, true},
		{"usr/lib/python3/dist-packages/six-1.16.0.egg-info", fs.ModeDir, false},
		{"usr/lib/python3/dist-packages/six-1.16.0.egg-info", fs.ModeSymlink, false},
		{"app/.venv/lib/python3.12/site-packages/idna-3.7.dist-info/METADATA", 0, true},
		{"app/.venv/lib/python3.12/site-packages/idna-3.7.dist-info/RECORD", 0, false},
		{"x-1.0-py3.egg/EGG-INFO/PKG-INFO", 0, true},
		{"srv/METADATA", 0, false},
		{"PKG-INFO", 0, false},
	}
	c := newPythonInstalledCataloger()
	for _, tt := range tests {
		if got := c.Match(tt.name, tt.mode); got != tt.want {
			t.Errorf("Match(%q, %v) = %v, want %v", tt.name, tt.mode, got, tt.want)
		}
	}
}

func TestPythonNormalizeName(t *testing.T) {
	tests := map[string]string{
		"Flask-Login":       "flask-login",
		"zope.interface":    "zope-interface",
		"Foo__Bar-.baz":     "foo-bar-baz",
		"typing_extensions": "typing-extensions",
		"":                  "",
	}
	for in, want := range tests {
		if got := pyNormalizeName(in); got != want {
			t.Errorf("pyNormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPythonParseMetadata(t *testing.T) {
	tests := []struct {
		name, in string
		want     pyMetadata
	}{
		{"first value wins", "Name: a\nName: b\nVersion: 1\n", pyMetadata{Name: "a", Version: "1"}},
		{"case-insensitive keys", "NAME: a\nversion:1\n", pyMetadata{Name: "a", Version: "1"}},
		{"no trailing newline", "Name: a\nVersion: 2", pyMetadata{Name: "a", Version: "2"}},
		{"body ignored", "Name: a\n\nVersion: 3\n", pyMetadata{Name: "a"}},
		{"long license dropped", "License: " + strings.Repeat("x", 101) + "\n", pyMetadata{}},
		{"multi-line license dropped", "License: MIT\n  more\n", pyMetadata{}},
		{"unknown license dropped", "License: UNKNOWN\n", pyMetadata{}},
		{"classifier", "Classifier: License :: OSI Approved :: Apache Software License\n",
			pyMetadata{LicenseClassifiers: []string{"Apache Software License"}}},
		{"non-license classifier", "Classifier: Topic :: License :: X\n", pyMetadata{}},
		{"garbage", "\x00:\n :\n::::\n", pyMetadata{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pyParseMetadata(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != tt.want.Name || got.Version != tt.want.Version || got.License != tt.want.License ||
				!slices.Equal(got.LicenseClassifiers, tt.want.LicenseClassifiers) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func FuzzPythonMetadata(f *testing.F) {
	f.Add("Name: a\nVersion: 1\nLicense: MIT\n")
	f.Add("Name: a\r\nVersion: 1\r\nLicense: x\r\n  y\r\nClassifier: License :: OSI Approved :: MIT License\r\n\r\nbody")
	f.Add(" \n\t:\n")
	f.Fuzz(func(t *testing.T, in string) {
		m, err := pyParseMetadata(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(m.License, "\n") || len(m.License) > pyMaxLicenseLen {
			t.Errorf("unclean fields: %+v", m)
		}
		for _, l := range m.Licenses() {
			if l == "" {
				t.Errorf("empty license in %+v", m)
			}
		}
		_ = pyNormalizeName(m.Name)
	})
}
