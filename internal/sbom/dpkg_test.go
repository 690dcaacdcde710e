package sbom

import (
	"testing"
	"testing/fstest"
)

func TestDpkgStatusAndDistroless(t *testing.T) {
	fsys := fstest.MapFS{
		"var/lib/dpkg/status": {Data: []byte(`Package: libc6
Status: install ok installed
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u14
Description: GNU C Library
 continuation line

Package: removed
Status: deinstall ok config-files
Version: 1.0

Package: zlib1g
Status: install ok installed
Architecture: amd64
Source: zlib (1:1.2.13.dfsg-1)
Version: 1:1.2.13.dfsg-1
`)},
		"var/lib/dpkg/status.d/base":         {Data: []byte("Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n")},
		"var/lib/dpkg/info/libc6:amd64.list": {Data: []byte("/.\n/lib/x86_64-linux-gnu/libc.so.6\n")},
		"usr/share/doc/zlib1g/copyright":     {Data: []byte("Files: *\nLicense: Zlib\n\nFiles: debian/*\nLicense: Zlib\n")},
	}
	var paths []string
	c := newDpkgCataloger()
	for _, p := range []string{"var/lib/dpkg/status", "var/lib/dpkg/status.d/base", "var/lib/dpkg/info/libc6:amd64.list", "usr/share/doc/zlib1g/copyright"} {
		if !c.Match(p, 0o644) {
			t.Fatalf("Match(%s) = false", p)
		}
		paths = append(paths, p)
	}
	pkgs, err := c.Catalog(t.Context(), Input{FS: fsys, Paths: paths, Distro: Distro{ID: "debian", VersionID: "12"}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Package{}
	for _, p := range pkgs {
		got[p.Name] = p
	}
	if len(got) != 3 {
		t.Fatalf("got %d packages (%v), want libc6, zlib1g, base-files", len(got), got)
	}
	if p := got["libc6"]; p.Source.Name != "glibc" || p.Source.Version != p.Version || len(p.Files) != 1 || p.Ecosystem != "Debian:12" {
		t.Errorf("libc6 = %+v", p)
	}
	if p := got["zlib1g"]; p.Source.Version != "1:1.2.13.dfsg-1" || len(p.Licenses) != 1 || p.Licenses[0] != "Zlib" {
		t.Errorf("zlib1g = %+v", p)
	}
	if p := got["base-files"]; p.Locations[0].Path != "var/lib/dpkg/status.d/base" {
		t.Errorf("base-files location = %+v", p.Locations)
	}
}

func FuzzDpkgStatus(f *testing.F) {
	f.Add([]byte("Package: a\nVersion: 1\nSource: b (2)\n\n"))
	f.Add([]byte(" leading continuation\nPackage:\n\n\nSource: (\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dpkgParseStatus(b, "var/lib/dpkg/status", Distro{})
	})
}
