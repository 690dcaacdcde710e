package sbom

import (
	"fmt"
	"io"
	"io/fs"
)

// maxManifestSize bounds any package database or manifest read whole: the
// largest real ones (an rpm Packages file, a big package-lock) are far below.
const maxManifestSize = 256 << 20

// readFile reads name from fsys whole, refusing files over limit bytes.
func readFile(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, limit)
	}
	return b, nil
}
