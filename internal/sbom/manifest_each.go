package sbom

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// manifestParser turns the bytes of one manifest or lock file, found at
// path, into packages.
type manifestParser func(path string, b []byte) ([]Package, error)

// eachManifest reads every path of in whole and parses it. A file that
// cannot be read or parsed adds an error naming it and the rest go on;
// cancelling ctx stops before the next file.
func eachManifest(ctx context.Context, in Input, parse manifestParser) ([]Package, error) {
	var pkgs []Package
	var errs []error
	for _, p := range in.Paths {
		if err := ctx.Err(); err != nil {
			return pkgs, errors.Join(append(errs, err)...)
		}
		b, err := readFile(in.FS, p, maxManifestSize)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		found, err := parse(p, b)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
		}
		pkgs = append(pkgs, found...)
	}
	return pkgs, errors.Join(errs...)
}

// manifestBaseIs reports whether name is base or ends in "/" + base: a
// cheap test for Match, which sees every file.
func manifestBaseIs(name, base string) bool {
	return name == base || strings.HasSuffix(name, "/"+base)
}
