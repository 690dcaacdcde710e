package sbom

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
)

// npmInstalledCataloger finds installed npm packages by the package.json at
// the top of each package directory: node_modules/<name> and
// node_modules/@scope/<name> anywhere, and Debian's usr/share/nodejs and
// usr/lib/nodejs trees.
type npmInstalledCataloger struct{}

var _ Cataloger = (*npmInstalledCataloger)(nil)

// newNPMInstalledCataloger returns the cataloger of installed npm packages.
func newNPMInstalledCataloger() *npmInstalledCataloger { return &npmInstalledCataloger{} }

// Name identifies the cataloger.
func (*npmInstalledCataloger) Name() string { return "npm-installed" }

// Match chooses package.json files at the top of a package directory, not
// the ones deeper inside a package.
func (*npmInstalledCataloger) Match(name string, mode fs.FileMode) bool {
	dir, ok := strings.CutSuffix(name, "/package.json")
	if !ok || !mode.IsRegular() {
		return false
	}
	parent, pkg := npmSplitDir(dir)
	if pkg == "" || pkg[0] == '.' || pkg[0] == '@' {
		return false
	}
	if up, scope := npmSplitDir(parent); strings.HasPrefix(scope, "@") {
		parent = up
	}
	return npmIsModulesDir(parent)
}

// npmSplitDir splits a path at its last slash; dir is "" when there is none.
func npmSplitDir(p string) (dir, base string) {
	i := strings.LastIndexByte(p, '/')
	return p[:max(i, 0)], p[i+1:]
}

// npmIsModulesDir reports whether packages are installed directly in dir:
// a node_modules directory, or Debian's usr/share/nodejs, usr/lib/nodejs
// and usr/lib/<triplet>/nodejs.
func npmIsModulesDir(dir string) bool {
	if dir == "node_modules" || strings.HasSuffix(dir, "/node_modules") {
		return true
	}
	if dir == "usr/share/nodejs" || dir == "usr/lib/nodejs" {
		return true
	}
	rest, ok := strings.CutPrefix(dir, "usr/lib/")
	return ok && strings.Count(rest, "/") == 1 && strings.HasSuffix(rest, "/nodejs")
}

// Catalog reads every matched package.json.
func (*npmInstalledCataloger) Catalog(ctx context.Context, in Input) ([]Package, error) {
	return eachManifest(ctx, in, npmParseManifest)
}

// npmManifest is the part of a package.json that identifies a package.
type npmManifest struct {
	Name     string          `json:"name"`
	Version  string          `json:"version"`
	License  json.RawMessage `json:"license"`
	Licenses json.RawMessage `json:"licenses"`
}

// npmParseManifest reads the package described by the package.json at
// path. One without a name or version describes none.
func npmParseManifest(path string, b []byte) ([]Package, error) {
	var m npmManifest
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parse package.json: %w", err)
	}
	name, version := strings.TrimSpace(m.Name), strings.TrimSpace(m.Version)
	if name == "" || version == "" {
		return nil, nil
	}
	return []Package{npmPackage(name, version, path, npmLicenses(m.License, m.Licenses))}, nil
}
