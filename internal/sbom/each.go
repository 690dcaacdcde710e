package sbom

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// pathReader reads the packages of one selected file.
type pathReader func(path string) ([]Package, error)

// eachPath hands every path of in to read and gathers what it finds. An
// error (which read makes name its file) is kept and the rest go on;
// cancelling ctx stops before the next file.
func eachPath(ctx context.Context, in Input, read pathReader) ([]Package, error) {
	var pkgs []Package
	var errs []error
	for _, p := range in.Paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		found, err := read(p)
		if err != nil {
			errs = append(errs, err)
		}
		pkgs = append(pkgs, found...)
	}
	return pkgs, errors.Join(errs...)
}

// manifestParser turns the bytes of one manifest or lock file, found at
// path, into packages.
type manifestParser func(path string, b []byte) ([]Package, error)

// eachManifest reads every path of in whole and parses it, as eachPath.
func eachManifest(ctx context.Context, in Input, parse manifestParser) ([]Package, error) {
	return eachPath(ctx, in, func(p string) ([]Package, error) {
		b, err := readFile(in.FS, p, maxManifestSize)
		if err != nil {
			return nil, err
		}
		found, err := parse(p, b)
		if err != nil {
			err = fmt.Errorf("%s: %w", p, err)
		}
		return found, err
	})
}

// manifestBaseIs reports whether name is base or ends in "/" + base: a
// cheap test for Match, which sees every file.
func manifestBaseIs(name, base string) bool {
	return name == base || strings.HasSuffix(name, "/"+base)
}
