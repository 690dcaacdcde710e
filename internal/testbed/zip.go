package testbed

import (
	"archive/zip"
	"io"
	"testing"
)

// EachZipFile calls fn with the name and contents of every file in the
// zip at path (an OSV export, say), failing the test on a read error.
func EachZipFile(t testing.TB, path string, fn func(name string, b []byte)) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s in %s: %v", f.Name, path, err)
		}
		fn(f.Name, b)
	}
}
