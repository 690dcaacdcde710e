package sbom

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits on walking one archive: how deep archives nest in archives (an ear
// holds wars holding jars holding shaded jars), how many bytes one outer
// archive may inflate in all (a zip bomb inflates far more) and how large a
// manifest or pom.properties may be.
const (
	javaMaxDepth        = 4
	javaMaxUncompressed = 1 << 30
	javaMaxSmallEntry   = 1 << 20
)

// javaWalker walks one outer archive, spending its budget of inflated bytes.
type javaWalker struct {
	budget int64
}

// javaEntries are the entries of one archive that Bulwark reads.
type javaEntries struct {
	poms     []*zip.File
	manifest *zip.File
	nested   []*zip.File
}

// walk returns the packages of the archive zr found at loc, nested ones
// included; depth counts the archives around it.
func (w *javaWalker) walk(ctx context.Context, zr *zip.Reader, loc string, depth int) ([]Package, error) {
	e := javaPickEntries(zr)
	pkgs, err := w.identify(e, loc)
	errs := []error{err}
	for _, f := range e.nested {
		if err := ctx.Err(); err != nil {
			return pkgs, err
		}
		found, err := w.walkNested(ctx, f, loc, depth+1)
		pkgs = append(pkgs, found...)
		errs = append(errs, err)
	}
	return pkgs, errors.Join(errs...)
}

// javaPickEntries picks the pom.properties, manifest and nested archives.
func javaPickEntries(zr *zip.Reader) javaEntries {
	var e javaEntries
	for _, f := range zr.File {
		switch {
		case f.FileInfo().IsDir():
		case javaPomPath(f.Name):
			e.poms = append(e.poms, f)
		case strings.EqualFold(f.Name, "META-INF/MANIFEST.MF"):
			e.manifest = f
		case javaArchiveName(f.Name):
			e.nested = append(e.nested, f)
		}
	}
	return e
}

// walkNested inflates the archive f inside the one at loc and walks it.
func (w *javaWalker) walkNested(ctx context.Context, f *zip.File, loc string, depth int) ([]Package, error) {
	inner := loc + ":" + f.Name
	if depth > javaMaxDepth {
		return nil, fmt.Errorf("%s: nested more than %d archives deep", inner, javaMaxDepth)
	}
	b, err := w.read(f, w.budget)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", inner, err)
	}
	zr, err := javaNewZip(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", inner, err)
	}
	return w.walk(ctx, zr, inner, depth)
}

// read inflates f, refusing more than limit bytes or more than is left of
// the budget; the size an entry declares is checked first but not trusted.
func (w *javaWalker) read(f *zip.File, limit int64) ([]byte, error) {
	limit = min(limit, w.budget)
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("inflates to more than %d bytes", limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	w.budget -= int64(len(b))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("inflates to more than %d bytes", limit)
	}
	return b, nil
}
