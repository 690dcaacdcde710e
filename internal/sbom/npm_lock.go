package sbom

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
)

// npmLockCataloger finds the npm packages a project's package-lock.json or
// npm-shrinkwrap.json pins. Lockfiles inside node_modules are skipped: the
// installed cataloger reads what is there.
type npmLockCataloger struct{}

var _ Cataloger = (*npmLockCataloger)(nil)

// newNPMLockCataloger returns the cataloger of npm lockfiles.
func newNPMLockCataloger() *npmLockCataloger { return &npmLockCataloger{} }

// Name identifies the cataloger.
func (*npmLockCataloger) Name() string { return "npm-lock" }

// Match chooses package-lock.json and npm-shrinkwrap.json outside
// node_modules.
func (*npmLockCataloger) Match(name string, mode fs.FileMode) bool {
	if !mode.IsRegular() || npmInModules(name) {
		return false
	}
	return manifestBaseIs(name, "package-lock.json") || manifestBaseIs(name, "npm-shrinkwrap.json")
}

// npmInModules reports whether name lies inside a node_modules directory.
func npmInModules(name string) bool {
	return strings.HasPrefix(name, "node_modules/") || strings.Contains(name, "/node_modules/")
}

// Catalog parses every matched lockfile.
func (*npmLockCataloger) Catalog(ctx context.Context, in Input) ([]Package, error) {
	return eachManifest(ctx, in, npmParseLock)
}

// npmLock is the part of a package-lock.json that names packages. Version 1
// nests "dependencies"; versions 2 and 3 list "packages" by install path
// (version 2 carries both).
type npmLock struct {
	Packages     map[string]npmLockPackage `json:"packages"`
	Dependencies map[string]npmLockDep     `json:"dependencies"`
}

// npmLockPackage is one entry of "packages".
type npmLockPackage struct {
	// Name is set when it differs from the install path (an alias).
	Name     string          `json:"name"`
	Version  string          `json:"version"`
	Link     bool            `json:"link"`
	License  json.RawMessage `json:"license"`
	Licenses json.RawMessage `json:"licenses"`
}

// npmLockDep is one entry of a version 1 "dependencies" tree.
type npmLockDep struct {
	Version      string                `json:"version"`
	Dependencies map[string]npmLockDep `json:"dependencies"`
}

// npmParseLock lists the packages of a lockfile found at path, each
// name@version once.
func npmParseLock(path string, b []byte) ([]Package, error) {
	var lock npmLock
	if err := json.Unmarshal(b, &lock); err != nil {
		return nil, fmt.Errorf("parse npm lockfile: %w", err)
	}
	seen := map[string]bool{}
	var pkgs []Package
	add := func(name, version string, licenses []string) {
		if name == "" || version == "" || seen[name+"@"+version] {
			return
		}
		seen[name+"@"+version] = true
		pkgs = append(pkgs, npmPackage(name, version, path, licenses))
	}
	if len(lock.Packages) > 0 {
		npmLockPackages(lock.Packages, add)
	} else {
		npmLockDeps(lock.Dependencies, add)
	}
	npmSort(pkgs)
	return pkgs, nil
}

// npmLockPackages walks version 2 and 3 "packages". The root ("") and
// workspace folders are the project itself, not under node_modules; links
// point at them.
func npmLockPackages(pkgs map[string]npmLockPackage, add func(name, version string, licenses []string)) {
	for key, p := range pkgs {
		i := strings.LastIndex(key, "node_modules/")
		if i < 0 || p.Link {
			continue
		}
		name := key[i+len("node_modules/"):]
		if p.Name != "" {
			name = p.Name
		}
		add(name, p.Version, npmLicenses(p.License, p.Licenses))
	}
}

// npmLockDeps walks a version 1 "dependencies" tree. An alias's version
// reads "npm:real-name@1.2.3"; local ("file:") and git dependencies carry
// no version.
func npmLockDeps(deps map[string]npmLockDep, add func(name, version string, licenses []string)) {
	for name, d := range deps {
		v := d.Version
		if alias, ok := strings.CutPrefix(v, "npm:"); ok {
			name, v, _ = npmSplitSpec(alias)
		}
		if !strings.Contains(v, ":") {
			add(name, v, nil)
		}
		npmLockDeps(d.Dependencies, add)
	}
}
