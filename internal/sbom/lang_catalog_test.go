package sbom

import (
	"context"
	"io/fs"
	"testing"
)

// langCatalogFS does what the driver does for one cataloger: it offers every
// file of fsys to Match and catalogs the matches.
func langCatalogFS(t *testing.T, c Cataloger, fsys fs.FS) ([]Package, error) {
	t.Helper()
	var paths []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && c.Match(p, d.Type()) {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return c.Catalog(context.Background(), Input{FS: fsys, Paths: paths})
}
