package sbom

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"strings"
)

// gemfileLockCataloger finds the gems a Bundler Gemfile.lock pins from a
// gem server (its GEM section).
type gemfileLockCataloger struct{}

var _ Cataloger = (*gemfileLockCataloger)(nil)

// newGemfileLockCataloger returns the cataloger of Gemfile.lock files.
func newGemfileLockCataloger() *gemfileLockCataloger { return &gemfileLockCataloger{} }

// Name identifies the cataloger.
func (*gemfileLockCataloger) Name() string { return "gemfile-lock" }

// Match chooses Gemfile.lock files.
func (*gemfileLockCataloger) Match(name string, mode fs.FileMode) bool {
	return mode.IsRegular() && manifestBaseIs(name, "Gemfile.lock")
}

// Catalog parses every matched Gemfile.lock.
func (*gemfileLockCataloger) Catalog(ctx context.Context, in Input) ([]Package, error) {
	return eachManifest(ctx, in, gemParseLock)
}

// gemParseLock lists the gems of the GEM section of the Gemfile.lock at
// path. Its specs are indented four spaces ("    rack (2.2.4)"); the
// dependencies under each, six.
func gemParseLock(path string, b []byte) ([]Package, error) {
	var pkgs []Package
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \r")
		switch {
		case line == "":
		case line[0] != ' ':
			section = line
		case section == "GEM" && strings.HasPrefix(line, "    ") && line[4] != ' ':
			if p, ok := gemParseSpecLine(line[4:], path); ok {
				pkgs = append(pkgs, p)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return pkgs, fmt.Errorf("read Gemfile.lock: %w", err)
	}
	return pkgs, nil
}

// gemParseSpecLine reads "name (version)" or "name (version-platform)";
// like Bundler, the version ends at the first "-".
func gemParseSpecLine(s, path string) (Package, bool) {
	name, rest, ok := strings.Cut(s, " (")
	inner, closed := strings.CutSuffix(rest, ")")
	if !ok || !closed || name == "" {
		return Package{}, false
	}
	version, platform, _ := strings.Cut(inner, "-")
	if version == "" {
		return Package{}, false
	}
	return gemPackage(name, version, platform, path, nil), true
}
