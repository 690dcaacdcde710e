package sbom

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// javaMaxArchive bounds an archive read into memory because its file cannot
// be read at an offset.
const javaMaxArchive = 512 << 20

// javaArchiveCataloger finds Java packages in archives: jars and the wars,
// ears and Jenkins plugins that bundle them, nested ones included.
type javaArchiveCataloger struct{}

var _ Cataloger = (*javaArchiveCataloger)(nil)

// newJavaArchiveCataloger returns the cataloger of Java archives.
func newJavaArchiveCataloger() *javaArchiveCataloger {
	return &javaArchiveCataloger{}
}

// Name identifies the cataloger.
func (*javaArchiveCataloger) Name() string { return "java-archive" }

// Match chooses regular files with an archive's extension; symbolic links,
// which Debian adds beside each jar, would count the same jar twice.
func (*javaArchiveCataloger) Match(name string, mode fs.FileMode) bool {
	return mode.IsRegular() && javaArchiveName(name)
}

// javaArchiveName reports whether name ends with a Java archive extension.
func javaArchiveName(name string) bool {
	if len(name) < 4 || name[len(name)-4] != '.' {
		return false
	}
	switch strings.ToLower(name[len(name)-3:]) {
	case "jar", "war", "ear", "jpi", "hpi":
		return true
	}
	return false
}

// Catalog walks each archive, its nested archives included.
func (*javaArchiveCataloger) Catalog(ctx context.Context, in Input) ([]Package, error) {
	return eachPath(ctx, in, func(p string) ([]Package, error) { return javaCatalogFile(ctx, in.FS, p) })
}

// javaCatalogFile opens the archive at name and walks it.
func javaCatalogFile(ctx context.Context, fsys fs.FS, name string) ([]Package, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := javaOpenZip(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	w := &javaWalker{budget: javaMaxUncompressed}
	return w.walk(ctx, zr, name, 0)
}

// javaOpenZip reads f as a zip archive, in place when f can be read at an
// offset and from memory otherwise.
func javaOpenZip(f fs.File) (*zip.Reader, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if ra, ok := f.(io.ReaderAt); ok {
		return javaNewZip(ra, info.Size())
	}
	b, err := io.ReadAll(io.LimitReader(f, javaMaxArchive+1))
	if err != nil {
		return nil, err
	}
	if len(b) > javaMaxArchive {
		return nil, fmt.Errorf("larger than %d bytes", javaMaxArchive)
	}
	return javaNewZip(bytes.NewReader(b), int64(len(b)))
}

// javaNewZip opens a zip archive. Entry names that would escape a directory
// do not matter here, as nothing is extracted.
func javaNewZip(r io.ReaderAt, size int64) (*zip.Reader, error) {
	zr, err := zip.NewReader(r, size)
	if errors.Is(err, zip.ErrInsecurePath) && zr != nil {
		return zr, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open zip: %w", err)
	}
	return zr, nil
}
