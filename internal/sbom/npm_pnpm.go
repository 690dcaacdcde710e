package sbom

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"strings"

	"go.yaml.in/yaml/v3"
)

// pnpmLockCataloger finds the npm packages a pnpm-lock.yaml pins, for
// lockfile versions 5 ("/name/1.2.3"), 6 ("/name@1.2.3") and 9
// ("name@1.2.3").
type pnpmLockCataloger struct{}

var _ Cataloger = (*pnpmLockCataloger)(nil)

// newPNPMLockCataloger returns the cataloger of pnpm lockfiles.
func newPNPMLockCataloger() *pnpmLockCataloger { return &pnpmLockCataloger{} }

// Name identifies the cataloger.
func (*pnpmLockCataloger) Name() string { return "pnpm-lock" }

// Match chooses pnpm-lock.yaml files outside node_modules.
func (*pnpmLockCataloger) Match(name string, mode fs.FileMode) bool {
	return mode.IsRegular() && manifestBaseIs(name, "pnpm-lock.yaml") && !npmInModules(name)
}

// Catalog parses every matched pnpm-lock.yaml.
func (*pnpmLockCataloger) Catalog(ctx context.Context, in Input) ([]Package, error) {
	return eachManifest(ctx, in, pnpmParseLock)
}

// pnpmLock is the part of a pnpm-lock.yaml that names packages.
type pnpmLock struct {
	LockfileVersion string                     `yaml:"lockfileVersion"`
	Packages        map[string]pnpmLockPackage `yaml:"packages"`
}

// pnpmLockPackage is one entry of "packages". Name and version are written
// out only where the key does not carry them (tarball and git packages).
type pnpmLockPackage struct {
	Name    string `yaml:"name"`
	Version string `yaml:"version"`
}

// pnpmParseLock lists the packages of the pnpm-lock.yaml at path, each
// name@version once.
func pnpmParseLock(path string, b []byte) ([]Package, error) {
	lock, err := pnpmDecode(b)
	if err != nil {
		return nil, fmt.Errorf("parse pnpm-lock.yaml: %w", err)
	}
	v5 := strings.HasPrefix(strings.TrimSpace(lock.LockfileVersion), "5")
	seen := map[string]bool{}
	var pkgs []Package
	for key, p := range lock.Packages {
		name, version := p.Name, p.Version
		if name == "" || version == "" {
			name, version = pnpmParseKey(key, v5)
		}
		if name == "" || !pnpmIsVersion(version) || seen[name+"@"+version] {
			continue
		}
		seen[name+"@"+version] = true
		pkgs = append(pkgs, npmPackage(name, version, path, nil))
	}
	npmSort(pkgs)
	return pkgs, nil
}

// pnpmDecode reads every YAML document of a lockfile: pnpm 10 may write one
// for its config dependencies before the main one. Their packages are
// merged, and a panic of the decoder on hostile input becomes an error.
func pnpmDecode(b []byte) (lock pnpmLock, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml decoder failed: %v", r)
		}
	}()
	lock.Packages = map[string]pnpmLockPackage{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var doc pnpmLock
		if err := dec.Decode(&doc); err == io.EOF {
			return lock, nil
		} else if err != nil {
			return lock, err
		}
		if len(doc.Packages) > 0 || lock.LockfileVersion == "" {
			lock.LockfileVersion = doc.LockfileVersion
		}
		maps.Copy(lock.Packages, doc.Packages)
	}
}

// pnpmParseKey splits a package key into name and version, dropping the
// peer dependency suffix: "(react@18.2.0)" since version 6, "_react@18.2.0"
// before.
func pnpmParseKey(key string, v5 bool) (name, version string) {
	key, _, _ = strings.Cut(strings.TrimPrefix(key, "/"), "(")
	if v5 {
		name, version = pnpmSplitV5(key)
	} else {
		name, version, _ = npmSplitSpec(key)
	}
	version, _, _ = strings.Cut(version, "_")
	return name, version
}

// pnpmSplitV5 splits "name/1.2.3" or "@scope/name/1.2.3".
func pnpmSplitV5(key string) (name, version string) {
	parts := strings.SplitN(key, "/", 3)
	if strings.HasPrefix(key, "@") && len(parts) == 3 {
		return parts[0] + "/" + parts[1], parts[2]
	}
	if !strings.HasPrefix(key, "@") && len(parts) >= 2 {
		return parts[0], strings.Join(parts[1:], "/")
	}
	return "", ""
}

// pnpmIsVersion reports whether v looks like a registry version rather than
// a path or URL, which a local or git package's key carries instead.
func pnpmIsVersion(v string) bool {
	return v != "" && v[0] >= '0' && v[0] <= '9' && !strings.ContainsAny(v, ":/")
}
