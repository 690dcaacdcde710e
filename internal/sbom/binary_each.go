package sbom

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
)

// binaryReader reads packages out of one executable, given random access
// to it; no packages and no error means the file is not of its kind.
type binaryReader func(r io.ReaderAt, path string) ([]Package, error)

// eachBinary opens every path of in for random access (reading it whole,
// bounded, when the file system cannot seek) and hands it to read. Errors
// name their file and the rest go on; a cancelled ctx returns no packages.
func eachBinary(ctx context.Context, in Input, read binaryReader) ([]Package, error) {
	return eachPath(ctx, in, func(p string) ([]Package, error) { return readBinary(in.FS, p, read) })
}

func readBinary(fsys fs.FS, name string, read binaryReader) ([]Package, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ra, ok := f.(io.ReaderAt)
	if !ok {
		b, err := readFile(fsys, name, maxManifestSize)
		if err != nil {
			return nil, err
		}
		ra = bytes.NewReader(b)
	}
	pkgs, err := read(ra, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return pkgs, nil
}
