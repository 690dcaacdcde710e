package image

import (
	"context"
	"strings"
	"testing"
	"time"
)

// FuzzSquash feeds arbitrary bytes to the layer walker as one layer: it
// must return (an error or a file system), never panic or hang.
func FuzzSquash(f *testing.F) {
	f.Add(tarBytes(f, dir("etc/"), file("etc/a", "x"), file("etc/.wh.b", ""), symlink("l", "../../x")))
	f.Add(gz(f, tarBytes(f, file("a/.wh..wh..opq", ""), file("a/b", "y"))))
	f.Add([]byte("\x1f\x8b garbage"))
	f.Fuzz(func(t *testing.T, layer []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		lim := DefaultLimits()
		lim.MaxLayerSize, lim.RatioFloor = 64<<20, 1<<20
		fsys, err := Squash(ctx, testImage(t, layer), SquashOptions{Select: keepAll, TempDir: t.TempDir(), Limits: lim})
		if err != nil {
			return
		}
		defer fsys.Close()
		for _, p := range fsys.Kept() {
			if strings.HasPrefix(p, "/") || strings.Contains("/"+p+"/", "/../") {
				t.Fatalf("kept path %q escapes the root", p)
			}
			fsys.Open(p)
		}
	})
}

// BenchmarkSquash measures the layer walk on a gzip layer of 2,000 files,
// every one kept (the worst case for the selector).
func BenchmarkSquash(b *testing.B) {
	var entries []entry
	for i := range 2000 {
		entries = append(entries, file("usr/lib/pkg"+strings.Repeat("x", i%7)+"/f"+string(rune('a'+i%26))+strings.Repeat("y", i%13), strings.Repeat("z", 4096)))
	}
	layer := gz(b, tarBytes(b, entries...))
	img := testImage(b, layer)
	b.SetBytes(int64(len(layer)))
	b.ReportAllocs()
	for b.Loop() {
		fsys, err := Squash(context.Background(), img, SquashOptions{TempDir: b.TempDir(), Select: keepAll})
		if err != nil {
			b.Fatal(err)
		}
		fsys.Close()
	}
}
