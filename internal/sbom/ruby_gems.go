package sbom

import (
	"context"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

// gemspecCataloger finds installed Ruby gems by the specification RubyGems
// writes for each: <gem dir>/specifications/<gem>.gemspec, default gems in
// specifications/default, and Debian's
// usr/share/rubygems-integration/*/specifications.
type gemspecCataloger struct{}

var _ Cataloger = (*gemspecCataloger)(nil)

// newGemspecCataloger returns the cataloger of installed gems.
func newGemspecCataloger() *gemspecCataloger { return &gemspecCataloger{} }

// Name identifies the cataloger.
func (*gemspecCataloger) Name() string { return "gemspec" }

// Match chooses .gemspec files directly in a specifications directory or
// its default subdirectory.
func (*gemspecCataloger) Match(name string, mode fs.FileMode) bool {
	dir, ok := strings.CutSuffix(name, ".gemspec")
	if !ok || !mode.IsRegular() {
		return false
	}
	dir = strings.TrimSuffix(path.Dir(dir), "/default")
	return dir == "specifications" || strings.HasSuffix(dir, "/specifications")
}

// Catalog reads every matched gemspec.
func (*gemspecCataloger) Catalog(ctx context.Context, in Input) ([]Package, error) {
	return eachManifest(ctx, in, gemParseSpec)
}

// The gemspec assignments RubyGems writes, with any receiver (s., spec.)
// and a string literal in either quote, maybe frozen.
var (
	gemSpecName     = regexp.MustCompile(`(?m)^\s*\w+\.name\s*=\s*["']([^"'\n]+)["']`)
	gemSpecVersion  = regexp.MustCompile(`(?m)^\s*\w+\.version\s*=\s*["']([^"'\n]+)["']`)
	gemSpecPlatform = regexp.MustCompile(`(?m)^\s*\w+\.platform\s*=\s*["']([^"'\n]+)["']`)
	gemSpecLicenses = regexp.MustCompile(`(?m)^\s*\w+\.licenses?\s*=\s*(\[[^\]]*\]|["'][^"'\n]*["'])`)
	gemQuoted       = regexp.MustCompile(`["']([^"'\n]*)["']`)
)

// gemParseSpec reads the gem a gemspec at path describes. Ruby is not run:
// the generated files assign literals, and one that does not name a gem
// and version describes none.
func gemParseSpec(path string, b []byte) ([]Package, error) {
	name := gemFirst(gemSpecName, b)
	version := gemFirst(gemSpecVersion, b)
	if name == "" || version == "" {
		return nil, nil
	}
	var licenses []string
	if m := gemSpecLicenses.FindSubmatch(b); m != nil {
		for _, q := range gemQuoted.FindAllSubmatch(m[1], -1) {
			if l := strings.TrimSpace(string(q[1])); l != "" {
				licenses = append(licenses, l)
			}
		}
	}
	return []Package{gemPackage(name, version, gemFirst(gemSpecPlatform, b), path, licenses)}, nil
}

// gemFirst returns the first capture of re in b, or "".
func gemFirst(re *regexp.Regexp, b []byte) string {
	if m := re.FindSubmatch(b); m != nil {
		return strings.TrimSpace(string(m[1]))
	}
	return ""
}

// gemPackage builds a RubyGems package found at path. A platform other
// than "ruby" (a prebuilt native gem) is a package URL qualifier.
func gemPackage(name, version, platform, path string, licenses []string) Package {
	if platform == "ruby" {
		platform = ""
	}
	return Package{
		Name:      name,
		Version:   version,
		Type:      TypeGem,
		Ecosystem: "RubyGems",
		PURL:      purlFor(TypeGem, "", name, version, map[string]string{"platform": platform}),
		Licenses:  licenses,
		Locations: []Location{{Path: path}},
	}
}
