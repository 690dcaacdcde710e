package sbom

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yarnLockCataloger finds the npm packages a yarn.lock pins, in both the
// classic (v1) format and the YAML of Yarn 2 and later ("berry").
type yarnLockCataloger struct{}

var _ Cataloger = (*yarnLockCataloger)(nil)

// newYarnLockCataloger returns the cataloger of yarn.lock files.
func newYarnLockCataloger() *yarnLockCataloger { return &yarnLockCataloger{} }

// Name identifies the cataloger.
func (*yarnLockCataloger) Name() string { return "yarn-lock" }

// Match chooses yarn.lock files outside node_modules.
func (*yarnLockCataloger) Match(name string, mode fs.FileMode) bool {
	return mode.IsRegular() && manifestBaseIs(name, "yarn.lock") && !npmInModules(name)
}

// Catalog parses every matched yarn.lock.
func (*yarnLockCataloger) Catalog(ctx context.Context, in Input) ([]Package, error) {
	return eachManifest(ctx, in, yarnParseLock)
}

// yarnParseLock lists the packages of the yarn.lock at path, each
// name@version once. Berry lockfiles start with a __metadata entry.
func yarnParseLock(path string, b []byte) ([]Package, error) {
	var pins [][2]string
	var err error
	if bytes.Contains(b, []byte("\n__metadata:")) || bytes.HasPrefix(b, []byte("__metadata:")) {
		pins, err = yarnParseBerry(b)
	} else {
		pins, err = yarnParseClassic(b)
	}
	seen := map[[2]string]bool{}
	var pkgs []Package
	for _, p := range pins {
		if p[0] != "" && p[1] != "" && !seen[p] {
			seen[p] = true
			pkgs = append(pkgs, npmPackage(p[0], p[1], path, nil))
		}
	}
	npmSort(pkgs)
	return pkgs, err
}

// yarnParseClassic reads a v1 yarn.lock: an unindented line lists the
// specifiers an entry satisfies ("a@^1.0.0", "a@^1.1.0":) and its
// two-space-indented version line says what they resolved to.
func yarnParseClassic(b []byte) ([][2]string, error) {
	var pins [][2]string
	name := ""
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \r")
		switch {
		case line == "" || line[0] == '#':
		case line[0] != ' ':
			name = yarnEntryName(line)
		case strings.HasPrefix(line, "  version ") && name != "":
			v, err := strconv.Unquote(strings.TrimSpace(line[len("  version "):]))
			if err != nil {
				v = strings.Trim(line[len("  version "):], ` "`)
			}
			pins = append(pins, [2]string{name, v})
			name = ""
		}
	}
	if err := sc.Err(); err != nil {
		return pins, fmt.Errorf("read yarn.lock: %w", err)
	}
	return pins, nil
}

// yarnEntryName returns the package name of an entry header line, from its
// first specifier; an alias ("b@npm:a@^1") names package a.
func yarnEntryName(header string) string {
	first, _, _ := strings.Cut(strings.TrimSuffix(header, ":"), ",")
	first = strings.Trim(strings.TrimSpace(first), `"`)
	name, rng, ok := npmSplitSpec(first)
	if !ok {
		return ""
	}
	if alias, ok := strings.CutPrefix(rng, "npm:"); ok {
		if target, _, ok := npmSplitSpec(alias); ok {
			return target
		}
	}
	return name
}

// yarnBerryEntry is one package of a berry lockfile.
type yarnBerryEntry struct {
	Version    string `yaml:"version"`
	Resolution string `yaml:"resolution"`
}

// yarnParseBerry reads a berry lockfile. The resolution names the package
// and its protocol: workspaces, links, portals and patches (which repeat an
// npm entry) are no packages of their own.
func yarnParseBerry(b []byte) (pins [][2]string, err error) {
	var entries map[string]yarnBerryEntry
	if err := npmDecodeYAML(b, &entries); err != nil {
		return nil, fmt.Errorf("parse yarn.lock: %w", err)
	}
	for key, e := range entries {
		if key == "__metadata" {
			continue
		}
		res := e.Resolution
		if res == "" {
			res, _, _ = strings.Cut(key, ",")
		}
		name, ref, ok := npmSplitSpec(strings.TrimSpace(res))
		protocol, _, _ := strings.Cut(ref, ":")
		switch {
		case !ok:
		case protocol == "workspace", protocol == "link", protocol == "portal", protocol == "patch":
		default:
			pins = append(pins, [2]string{name, e.Version})
		}
	}
	return pins, nil
}

// npmDecodeYAML decodes YAML into v, turning a panic of the decoder on
// hostile input into an error.
func npmDecodeYAML(b []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml decoder failed: %v", r)
		}
	}()
	return yaml.Unmarshal(b, v)
}
