package sbom

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/testbed"
)

// tarballImage is a one-layer image made of a root file system tarball,
// read through the same squash as any image layer.
func tarballImage(path string) *image.Image {
	// A rootfs tarball comes with no digest to check it against.
	return &image.Image{Ref: "rootfs:" + path, SkipVerify: true, Layers: []image.Layer{{
		DiffID: "sha256:" + filepath.Base(path), Size: -1,
		Open: func(context.Context) (io.ReadCloser, error) { return os.Open(path) },
	}}}
}

func TestAPKEqualsMinirootfsReference(t *testing.T) {
	dir := testbed.AlpineTarballs(t)
	for _, v := range []string{"3.10.3", "3.10.9", "3.20.3", "3.22.1"} {
		t.Run(v, func(t *testing.T) {
			ref, err := os.ReadFile(filepath.Join(dir, v+".apk-list.txt"))
			if err != nil {
				testbed.Unavailable(t, "Alpine reference package list", "%v", err)
			}
			want := strings.Split(strings.TrimSpace(string(ref)), "\n")
			s, err := CatalogImage(context.Background(), tarballImage(filepath.Join(dir, "alpine-minirootfs-"+v+"-x86_64.tar.gz")),
				Options{Squash: image.SquashOptions{TempDir: t.TempDir()}})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range s.Packages {
				if p.Type == TypeAPK {
					got = append(got, p.Name+" "+p.Version+" "+p.Source.Name)
					if p.Name == "musl" && !slices.Contains(p.Files, "lib/libc.musl-x86_64.so.1") {
						t.Errorf("musl does not own lib/libc.musl-x86_64.so.1: %v", p.Files)
					}
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("got %d packages, reference %d\nmissing: %v\nextra: %v", len(got), len(want), sliceMinus(want, got), sliceMinus(got, want))
			}
			mm := strings.Join(strings.Split(v, ".")[:2], ".")
			if s.Distro.ID != "alpine" || s.Distro.VersionID != v || s.Packages[0].Ecosystem != "Alpine:v"+mm {
				t.Errorf("distro %+v, ecosystem %q", s.Distro, s.Packages[0].Ecosystem)
			}
		})
	}
}

func TestAPKParseInstalled(t *testing.T) {
	db := "C:Q1abc=\nP:musl\nV:1.2.5-r0\nA:x86_64\nL:MIT\no:musl\nF:lib\nR:ld-musl-x86_64.so.1\nR:libc.musl-x86_64.so.1\n\n" +
		"P:busybox-binsh\nV:1.36.1-r29\nA:x86_64\nL:GPL-2.0-only\no:busybox\nF:bin\nR:sh\n\nP:broken-no-version\n"
	pkgs := apkParseInstalled(db, "lib/apk/db/installed", Distro{ID: "alpine", VersionID: "3.20.3"})
	if len(pkgs) != 2 {
		t.Fatalf("got %d packages, want 2 (the one without V: is skipped)", len(pkgs))
	}
	b := pkgs[1]
	if b.Source.Name != "busybox" || b.Files[0] != "bin/sh" || b.Licenses[0] != "GPL-2.0-only" {
		t.Errorf("busybox-binsh = %+v", b)
	}
	if want := "pkg:apk/alpine/busybox-binsh@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3&upstream=busybox"; b.PURL != want {
		t.Errorf("purl = %s, want %s", b.PURL, want)
	}
}

func FuzzAPKInstalled(f *testing.F) {
	f.Add("P:musl\nV:1.2.5-r0\nF:lib\nR:x\n\n")
	f.Add("P:\nV:\n\nR:x\nF:\n")
	f.Fuzz(func(t *testing.T, db string) {
		apkParseInstalled(db, "lib/apk/db/installed", Distro{})
	})
}
