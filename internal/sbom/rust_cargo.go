package sbom

import (
	"context"
	"fmt"
	"io/fs"
	"path"

	"github.com/BurntSushi/toml"
)

// cargoLockCataloger lists the crates a Cargo.lock pins: what a Rust
// project built in the image, or shipped with its sources, depends on.
type cargoLockCataloger struct{}

var _ Cataloger = (*cargoLockCataloger)(nil)

func newCargoLockCataloger() *cargoLockCataloger { return &cargoLockCataloger{} }

// Name implements Cataloger.
func (c *cargoLockCataloger) Name() string { return "cargo-lock" }

// Match implements Cataloger.
func (c *cargoLockCataloger) Match(name string, mode fs.FileMode) bool {
	return mode.IsRegular() && path.Base(name) == "Cargo.lock"
}

// Catalog implements Cataloger.
func (c *cargoLockCataloger) Catalog(ctx context.Context, in Input) ([]Package, error) {
	return eachPath(ctx, in, func(p string) ([]Package, error) { return cargoCatalogLock(in.FS, p) })
}

// cargoLock is the part of a Cargo.lock read; every format version (1 to
// 4) lists packages the same way.
type cargoLock struct {
	Package []cargoLockPackage `toml:"package"`
}

type cargoLockPackage struct {
	Name     string `toml:"name"`
	Version  string `toml:"version"`
	Source   string `toml:"source"`
	Checksum string `toml:"checksum"`
}

func cargoCatalogLock(fsys fs.FS, name string) ([]Package, error) {
	b, err := readFile(fsys, name, maxManifestSize)
	if err != nil {
		return nil, err
	}
	pkgs, err := cargoParseLock(b, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return pkgs, nil
}

// cargoParseLock reads the packages of a Cargo.lock found at path.
// Packages without a source are the workspace's own crates: they are
// kept, with "local" as their source.
func cargoParseLock(b []byte, path string) ([]Package, error) {
	var lock cargoLock
	if err := toml.Unmarshal(b, &lock); err != nil {
		return nil, fmt.Errorf("parse cargo lock: %w", err)
	}
	pkgs := make([]Package, 0, len(lock.Package))
	for _, p := range lock.Package {
		if p.Name == "" {
			continue
		}
		pkg := cargoPackage(p.Name, p.Version, p.Source, path)
		if p.Checksum != "" {
			pkg.Metadata["checksum"] = p.Checksum
		}
		pkgs = append(pkgs, pkg)
	}
	return pkgs, nil
}

// cargoPackage builds a crate; an empty source means a local crate.
func cargoPackage(name, version, source, path string) Package {
	if source == "" {
		source = "local"
	}
	return Package{
		Name:      name,
		Version:   version,
		Type:      TypeRust,
		Ecosystem: "crates.io",
		PURL:      purlFor(TypeRust, "", name, version, nil),
		Locations: []Location{{Path: path}},
		Metadata:  map[string]string{"source": source},
	}
}
