package image

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
)

// entry is one tar entry of a test layer.
type entry struct {
	name, body, link string
	typ              byte
	mode             int64
}

func file(name, body string) entry {
	return entry{name: name, body: body, typ: tar.TypeReg, mode: 0o644}
}
func dir(name string) entry { return entry{name: name, typ: tar.TypeDir, mode: 0o755} }
func symlink(name, target string) entry {
	return entry{name: name, link: target, typ: tar.TypeSymlink, mode: 0o777}
}

func tarBytes(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: e.mode, Linkname: e.link, Size: int64(len(e.body)), ModTime: time.Unix(1, 0)}
		if e.typ != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		io.WriteString(tw, e.body)
	}
	tw.Close()
	return buf.Bytes()
}

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// testImage makes an image of in-memory gzip layers. Their diff IDs are
// names, not digests: these tests are about the squash, not verification.
func testImage(t testing.TB, layers ...[]byte) *Image {
	img := &Image{Ref: "test", SkipVerify: true}
	for i, l := range layers {
		l := l
		img.Layers = append(img.Layers, Layer{
			DiffID: "sha256:layer" + string(rune('0'+i)), Size: int64(len(l)),
			Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(l)), nil },
		})
	}
	return img
}

func keepAll(string, fs.FileMode) Selection { return Selection{Keep: true} }

func squash(t *testing.T, layers ...[]byte) *FS {
	t.Helper()
	f, err := Squash(context.Background(), testImage(t, layers...), SquashOptions{Select: keepAll, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readAll(t *testing.T, fsys fs.FS, name string) string {
	t.Helper()
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return string(b)
}

func TestSquashWhiteouts(t *testing.T) {
	base := gz(t, tarBytes(t, dir("etc/"), file("etc/a", "a1"), file("etc/gone", "x"),
		dir("opt/app/"), file("opt/app/old", "old"), dir("opt/app/sub/"), file("opt/app/sub/deep", "d")))
	upper := gz(t, tarBytes(t, file("etc/a", "a2"), file("etc/.wh.gone", ""),
		file("opt/app/.wh..wh..opq", ""), file("opt/app/new", "new")))
	f := squash(t, base, upper)

	if got := readAll(t, f, "etc/a"); got != "a2" {
		t.Errorf("etc/a = %q, want the upper layer's a2", got)
	}
	if f.Layer("etc/a") != "sha256:layer1" {
		t.Errorf("etc/a layer = %q, want layer1", f.Layer("etc/a"))
	}
	for _, gone := range []string{"etc/gone", "opt/app/old", "opt/app/sub/deep", "opt/app/sub"} {
		if _, err := f.Stat(gone); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s should be hidden by a whiteout, Stat err = %v", gone, err)
		}
	}
	if got := readAll(t, f, "opt/app/new"); got != "new" {
		t.Errorf("opt/app/new = %q", got)
	}
}

func TestSquashWhiteoutThenRecreateInSameLayer(t *testing.T) {
	base := gz(t, tarBytes(t, dir("d/"), file("d/x", "old")))
	// The recreated file comes before the whiteout in the tar: the whiteout
	// only hides lower layers.
	upper := gz(t, tarBytes(t, dir("d/"), file("d/x", "new"), file("d/.wh..wh..opq", "")))
	f := squash(t, base, upper)
	if got := readAll(t, f, "d/x"); got != "new" {
		t.Errorf("d/x = %q, want new", got)
	}
}

func TestSquashSymlinksStayInside(t *testing.T) {
	l := gz(t, tarBytes(t, dir("usr/lib/"), file("usr/lib/os-release", "ID=alpine\n"),
		symlink("etc/os-release", "../usr/lib/os-release"), symlink("escape", "../../../../etc/passwd"),
		symlink("abs", "/usr/lib/os-release"), symlink("loop1", "loop2"), symlink("loop2", "loop1")))
	f := squash(t, l)
	for _, name := range []string{"etc/os-release", "abs"} {
		if got := readAll(t, f, name); got != "ID=alpine\n" {
			t.Errorf("%s = %q", name, got)
		}
	}
	if _, err := f.Open("escape"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("escape resolved outside the image? err = %v", err)
	}
	if _, err := f.Open("loop1"); err == nil || !strings.Contains(err.Error(), "symbolic links") {
		t.Errorf("loop: err = %v, want too many levels of symbolic links", err)
	}
}

func TestSquashHostileLayers(t *testing.T) {
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "zeros", Typeflag: tar.TypeReg, Mode: 0o644, Size: 400 << 20})
	zeros := make([]byte, 1<<20)
	for range 400 {
		tw.Write(zeros)
	}
	tw.Close()
	zw.Close()
	good := gz(t, tarBytes(t, file("a", strings.Repeat("x", 100000))))
	tests := []struct {
		name  string
		layer []byte
		want  string
	}{
		{"traversal", gz(t, tarBytes(t, file("../../etc/evil", "x"))), "path traversal"},
		{"nested traversal", gz(t, tarBytes(t, file("a/../../evil", "x"))), "path traversal"},
		{"absolute", gz(t, tarBytes(t, file("/etc/evil", "x"))), "absolute path"},
		{"truncated gzip", good[:len(good)/2], "truncated or corrupt"},
		{"not a tar", gz(t, []byte(strings.Repeat("garbage!", 200))), "truncated or corrupt"},
		{"decompression bomb", bomb.Bytes(), "decompression bomb"},
		{"huge entry", gz(t, hugeHeader(t)), "claims"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			lim := DefaultLimits()
			lim.RatioFloor = 64 << 20
			_, err := Squash(ctx, testImage(t, tt.layer), SquashOptions{Select: keepAll, TempDir: tmp, Limits: lim})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one saying %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), "layer 0 (sha256:layer0)") {
				t.Errorf("error %q does not name the layer", err)
			}
			if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
				t.Errorf("files left behind in the temp dir: %v", ents)
			}
			if _, err := os.Stat(filepath.Join(tmp, "..", "etc", "evil")); err == nil {
				t.Error("a file was written outside the temp dir")
			}
		})
	}
}

// hugeHeader is a tar whose single entry claims far more bytes than exist.
func hugeHeader(t *testing.T) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "big", Typeflag: tar.TypeReg, Mode: 0o644, Size: 1 << 40})
	return buf.Bytes()
}

func TestSquashMarkersKeepOnlyMatchingFiles(t *testing.T) {
	big := strings.Repeat("x", 200<<10)
	l := gz(t, tarBytes(t,
		entry{name: "bin/go-tool", body: big + "\xff Go buildinf:" + big, typ: tar.TypeReg, mode: 0o755},
		entry{name: "bin/c-tool", body: big + big, typ: tar.TypeReg, mode: 0o755},
		entry{name: "bin/small-go", body: "abc\xff Go buildinf:", typ: tar.TypeReg, mode: 0o755}))
	sel := func(string, fs.FileMode) Selection {
		return Selection{Keep: true, Markers: [][]byte{[]byte("\xff Go buildinf:")}}
	}
	f, err := Squash(context.Background(), testImage(t, l), SquashOptions{Select: sel, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := strings.Join(f.Kept(), ",")
	if got != "bin/go-tool,bin/small-go" {
		t.Errorf("kept %s, want the two files holding the marker", got)
	}
	if b := readAll(t, f, "bin/go-tool"); len(b) != 2*len(big)+14 {
		t.Errorf("spilled content has %d bytes", len(b))
	}
	if _, err := f.Open("bin/c-tool"); !errors.Is(err, ErrNotKept) {
		t.Errorf("c-tool: err = %v, want ErrNotKept", err)
	}
}

func TestMarkerScannerAcrossWrites(t *testing.T) {
	m := newMarkerScanner([][]byte{[]byte("MARKER")})
	m.Write([]byte("xxxxMAR"))
	m.Write([]byte("KERyyy"))
	if !m.found {
		t.Error("marker split across writes not found")
	}
}
