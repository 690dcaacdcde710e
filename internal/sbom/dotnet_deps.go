package sbom

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
)

// dotnetDepsCataloger lists NuGet packages from the two files .NET leaves
// behind: the *.deps.json written beside every built application, and the
// packages.lock.json of a project that locks its restore.
type dotnetDepsCataloger struct{}

var _ Cataloger = (*dotnetDepsCataloger)(nil)

func newDotnetDepsCataloger() *dotnetDepsCataloger { return &dotnetDepsCataloger{} }

// Name implements Cataloger.
func (c *dotnetDepsCataloger) Name() string { return "dotnet-deps" }

// Match implements Cataloger.
func (c *dotnetDepsCataloger) Match(name string, mode fs.FileMode) bool {
	base := path.Base(name)
	return mode.IsRegular() && (strings.HasSuffix(base, ".deps.json") || base == "packages.lock.json")
}

// Catalog implements Cataloger.
func (c *dotnetDepsCataloger) Catalog(ctx context.Context, in Input) ([]Package, error) {
	return eachPath(ctx, in, func(p string) ([]Package, error) { return dotnetCatalogFile(in.FS, p) })
}

func dotnetCatalogFile(fsys fs.FS, name string) ([]Package, error) {
	b, err := readFile(fsys, name, maxManifestSize)
	if err != nil {
		return nil, err
	}
	parse := dotnetParseDeps
	if path.Base(name) == "packages.lock.json" {
		parse = dotnetParseLock
	}
	pkgs, err := parse(b, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return pkgs, nil
}

// dotnetDeps is the part of a deps.json read: its libraries, keyed
// "Name/Version", each a NuGet "package", a "project" of the same build,
// or a "runtimepack" of a self-contained application.
type dotnetDeps struct {
	Libraries map[string]struct {
		Type   string `json:"type"`
		SHA512 string `json:"sha512"`
	} `json:"libraries"`
}

// dotnetParseDeps reads the NuGet packages of a deps.json found at path.
func dotnetParseDeps(b []byte, path string) ([]Package, error) {
	var deps dotnetDeps
	if err := json.Unmarshal(b, &deps); err != nil {
		return nil, fmt.Errorf("parse deps.json: %w", err)
	}
	var pkgs []Package
	for _, key := range slices.Sorted(maps.Keys(deps.Libraries)) {
		lib := deps.Libraries[key]
		name, version, ok := strings.Cut(key, "/")
		if lib.Type != "package" || !ok || name == "" {
			continue
		}
		p := dotnetPackage(name, version, path)
		if lib.SHA512 != "" {
			p.Metadata = map[string]string{"sha512": lib.SHA512}
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// dotnetLock is a packages.lock.json: per target framework (and runtime,
// "net8.0/linux-x64"), the packages restored.
type dotnetLock struct {
	Dependencies map[string]map[string]struct {
		Type     string `json:"type"`
		Resolved string `json:"resolved"`
	} `json:"dependencies"`
}

// dotnetParseLock reads the NuGet packages of a packages.lock.json found
// at path, once each however many frameworks list them. Projects of the
// same solution are left out.
func dotnetParseLock(b []byte, path string) ([]Package, error) {
	var lock dotnetLock
	if err := json.Unmarshal(b, &lock); err != nil {
		return nil, fmt.Errorf("parse packages.lock.json: %w", err)
	}
	seen := map[string]int{}
	var pkgs []Package
	for _, tfm := range slices.Sorted(maps.Keys(lock.Dependencies)) {
		deps := lock.Dependencies[tfm]
		for _, name := range slices.Sorted(maps.Keys(deps)) {
			dep := deps[name]
			if dep.Type == "Project" || dep.Resolved == "" {
				continue
			}
			key := strings.ToLower(name) + "/" + dep.Resolved
			i, ok := seen[key]
			if !ok {
				i = len(pkgs)
				seen[key] = i
				pkgs = append(pkgs, dotnetPackage(name, dep.Resolved, path))
				pkgs[i].Metadata = map[string]string{"dependencyType": dep.Type}
			}
			if dep.Type == "Direct" {
				pkgs[i].Metadata["dependencyType"] = "Direct"
			}
		}
	}
	return pkgs, nil
}

func dotnetPackage(name, version, path string) Package {
	return Package{
		Name:      name,
		Version:   version,
		Type:      TypeNuGet,
		Ecosystem: "NuGet",
		PURL:      purlFor(TypeNuGet, "", name, version, nil),
		Locations: []Location{{Path: path}},
	}
}
