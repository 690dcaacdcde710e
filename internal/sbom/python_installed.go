package sbom

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"strings"
)

// pythonInstalledCataloger finds installed Python distributions by their
// core metadata: wheels install a .dist-info/METADATA, setuptools an
// .egg-info/PKG-INFO, and Debian's python3-* packages often a single-file
// .egg-info in dist-packages.
type pythonInstalledCataloger struct{}

var _ Cataloger = (*pythonInstalledCataloger)(nil)

// newPythonInstalledCataloger returns the cataloger of installed Python
// distributions.
func newPythonInstalledCataloger() *pythonInstalledCataloger {
	return &pythonInstalledCataloger{}
}

// Name identifies the cataloger.
func (*pythonInstalledCataloger) Name() string { return "python-installed" }

// Match chooses metadata files by their suffix.
func (*pythonInstalledCataloger) Match(name string, mode fs.FileMode) bool {
	if !mode.IsRegular() {
		return false
	}
	return strings.HasSuffix(name, ".dist-info/METADATA") ||
		strings.HasSuffix(name, ".egg-info/PKG-INFO") ||
		strings.HasSuffix(name, "/EGG-INFO/PKG-INFO") ||
		strings.HasSuffix(name, ".egg-info")
}

// Catalog reads each metadata file into one package.
func (*pythonInstalledCataloger) Catalog(ctx context.Context, in Input) ([]Package, error) {
	return eachPath(ctx, in, func(p string) ([]Package, error) {
		pkg, err := pyReadInstalled(in.FS, p)
		if err != nil {
			return nil, err
		}
		return []Package{pkg}, nil
	})
}

// pyReadInstalled reads the distribution whose metadata is at path.
func pyReadInstalled(fsys fs.FS, path string) (Package, error) {
	b, err := readFile(fsys, path, maxManifestSize)
	if err != nil {
		return Package{}, err
	}
	m, err := pyParseMetadata(bytes.NewReader(b))
	if err != nil {
		return Package{}, fmt.Errorf("%s: %w", path, err)
	}
	if m.Name == "" || m.Version == "" {
		return Package{}, fmt.Errorf("%s: metadata lacks a Name or Version", path)
	}
	return pyPackage(m.Name, m.Version, path, m.Licenses()), nil
}
