package vulndb

import (
	"context"
	"github.com/bulwarksec/bulwark/internal/testbed"
	"path/filepath"
	"testing"
)

// BenchmarkLookup looks packages up in a database of all of vulndata:
// hits in large and small entry lists, and misses (most packages of an
// image have no advisory).
func BenchmarkLookup(b *testing.B) {
	vd := testbed.Vulndata(b)
	dir := b.TempDir()
	var paths []string
	for _, s := range []string{"Go", "crates.io", "PyPI", "AlmaLinux", "Bitnami"} {
		paths = append(paths, filepath.Join(vd, s, "all.zip"))
	}
	paths = append(paths, filepath.Join(vd, "debian"), filepath.Join(vd, "alpine"))
	if _, err := ImportFiles(context.Background(), dir, paths); err != nil {
		b.Fatal(err)
	}
	db, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	keys := [][2]string{
		{"PyPI", "django"}, {"PyPI", "requests"}, {"Go", "golang.org/x/net"}, {"Go", "stdlib"},
		{"Debian:11", "linux"}, {"Debian:11", "openssl"}, {"Alpine:v3.10", "openssl"}, {"AlmaLinux:9", "kernel"},
		{"crates.io", "tokio"}, {"PyPI", "no-such-package"}, {"Debian:11", "base-files"}, {"Go", "example.com/none"},
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i%len(keys)]
		if _, err := db.Lookup(k[0], k[1]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportAll imports every set of vulndata into a new database.
func BenchmarkImportAll(b *testing.B) {
	vd := testbed.Vulndata(b)
	var paths []string
	for _, s := range []string{"Go", "crates.io", "PyPI", "AlmaLinux", "Bitnami"} {
		paths = append(paths, filepath.Join(vd, s, "all.zip"))
	}
	paths = append(paths, filepath.Join(vd, "debian"), filepath.Join(vd, "alpine"), filepath.Join(vd, "nvd"))
	for i := 0; i < b.N; i++ {
		if _, err := ImportFiles(context.Background(), b.TempDir(), paths); err != nil {
			b.Fatal(err)
		}
	}
}
