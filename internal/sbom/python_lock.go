package sbom

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// pythonLockCataloger finds the Python packages a project pins: poetry.lock,
// Pipfile.lock and requirements files. Only exact pins are packages; a range
// says nothing about what is installed.
type pythonLockCataloger struct{}

var _ Cataloger = (*pythonLockCataloger)(nil)

// pyPin is one pinned package in a lock or requirements file.
type pyPin struct {
	Name    string
	Version string
	// Dev marks development-only dependencies.
	Dev bool
}

// newPythonLockCataloger returns the cataloger of Python lock and
// requirements files.
func newPythonLockCataloger() *pythonLockCataloger {
	return &pythonLockCataloger{}
}

// Name identifies the cataloger.
func (*pythonLockCataloger) Name() string { return "python-lock" }

// Match chooses files by name.
func (*pythonLockCataloger) Match(name string, mode fs.FileMode) bool {
	return mode.IsRegular() && pyLockParser(name) != nil
}

// pyLockParser returns the parser for the file at name, or nil if it is no
// lock or requirements file: requirements*.txt anywhere and any .txt in a
// requirements directory.
func pyLockParser(name string) func(io.Reader) ([]pyPin, error) {
	dir, base := path.Split(name)
	switch {
	case base == "poetry.lock":
		return pyParsePoetry
	case base == "Pipfile.lock":
		return pyParsePipfile
	case !strings.HasSuffix(base, ".txt"):
		return nil
	case strings.HasPrefix(base, "requirements"),
		dir == "requirements/" || strings.HasSuffix(dir, "/requirements/"):
		return pyParseRequirements
	}
	return nil
}

// Catalog parses every matched file.
func (*pythonLockCataloger) Catalog(ctx context.Context, in Input) ([]Package, error) {
	return eachPath(ctx, in, func(p string) ([]Package, error) { return pyReadLock(in.FS, p) })
}

// pyReadLock reads the pins of the file at p.
func pyReadLock(fsys fs.FS, p string) ([]Package, error) {
	parse := pyLockParser(p)
	if parse == nil {
		return nil, nil
	}
	b, err := readFile(fsys, p, maxManifestSize)
	if err != nil {
		return nil, err
	}
	pins, err := parse(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	pkgs := make([]Package, 0, len(pins))
	for _, pin := range pins {
		pkg := pyPackage(pin.Name, pin.Version, p, nil)
		if pin.Dev {
			pkg.Metadata = map[string]string{"dev": "true"}
		}
		pkgs = append(pkgs, pkg)
	}
	return pkgs, nil
}
