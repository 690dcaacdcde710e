package sbom

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
)

// composerCataloger finds PHP packages in composer.lock files and in what
// Composer records it installed, vendor/composer/installed.json.
type composerCataloger struct{}

var _ Cataloger = (*composerCataloger)(nil)

// newComposerCataloger returns the cataloger of Composer files.
func newComposerCataloger() *composerCataloger { return &composerCataloger{} }

// Name identifies the cataloger.
func (*composerCataloger) Name() string { return "composer" }

// Match chooses composer.lock outside vendor directories (a library's own
// lock there says nothing about what is installed) and installed.json.
func (*composerCataloger) Match(name string, mode fs.FileMode) bool {
	if !mode.IsRegular() {
		return false
	}
	if manifestBaseIs(name, "vendor/composer/installed.json") {
		return true
	}
	inVendor := strings.HasPrefix(name, "vendor/") || strings.Contains(name, "/vendor/")
	return manifestBaseIs(name, "composer.lock") && !inVendor
}

// Catalog parses every matched file.
func (*composerCataloger) Catalog(ctx context.Context, in Input) ([]Package, error) {
	return eachManifest(ctx, in, composerParse)
}

// composerPackage is one package as composer.lock and installed.json
// record it.
type composerPackage struct {
	Name    string          `json:"name"`
	Version string          `json:"version"`
	License json.RawMessage `json:"license"`
}

// composerFile holds the package lists of both files: composer.lock has
// "packages" and "packages-dev", Composer 2's installed.json "packages".
type composerFile struct {
	Packages    []composerPackage `json:"packages"`
	PackagesDev []composerPackage `json:"packages-dev"`
}

// composerParse lists the packages of the file at path. Composer 1 wrote
// installed.json as a bare array.
func composerParse(path string, b []byte) ([]Package, error) {
	var list []composerPackage
	b = bytes.TrimSpace(b)
	if bytes.HasPrefix(b, []byte("[")) {
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, fmt.Errorf("parse composer file: %w", err)
		}
	} else {
		var f composerFile
		if err := json.Unmarshal(b, &f); err != nil {
			return nil, fmt.Errorf("parse composer file: %w", err)
		}
		list = append(f.Packages, f.PackagesDev...)
	}
	var pkgs []Package
	for _, p := range list {
		if pkg, ok := composerToPackage(p, path); ok {
			pkgs = append(pkgs, pkg)
		}
	}
	return pkgs, nil
}

// composerToPackage builds the package for p; a name lacking its vendor
// part or a missing version gives none.
func composerToPackage(p composerPackage, path string) (Package, bool) {
	vendor, short, ok := strings.Cut(p.Name, "/")
	if !ok || vendor == "" || short == "" || p.Version == "" {
		return Package{}, false
	}
	return Package{
		Name:      p.Name,
		Version:   p.Version,
		Type:      TypeComposer,
		Ecosystem: "Packagist",
		PURL:      purlFor(TypeComposer, vendor, short, p.Version, nil),
		Licenses:  composerLicenses(p.License),
		Locations: []Location{{Path: path}},
	}, true
}

// composerLicenses reads "license": an array of SPDX names, or, in old
// files, one string.
func composerLicenses(raw json.RawMessage) []string {
	var list []string
	if json.Unmarshal(raw, &list) != nil {
		var one string
		if json.Unmarshal(raw, &one) != nil || one == "" {
			return nil
		}
		list = []string{one}
	}
	return list
}
