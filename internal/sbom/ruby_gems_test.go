package sbom

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

func TestGemspecMatch(t *testing.T) {
	tests := map[string]bool{
		"usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec":            true,
		"usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec":     true,
		"usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec": true,
		"usr/local/bundle/specifications/puma-6.0.0.gemspec":                    true,
		"specifications/a-1.gemspec":                                            true,
		"usr/local/bundle/gems/puma-6.0.0/puma.gemspec":                         false,
		"app/rack.gemspec": false,
		"usr/lib/ruby/gems/3.1.0/specifications/old/x-1.gemspec":         false,
		"usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec.bak": false,
		"usr/lib/ruby/gems/3.1.0/myspecifications/rake-13.0.6.gemspec":   false,
	}
	checkMatch(t, newGemspecCataloger(), tests)
}

// TestGemspecRealFiles reads specifications that Debian's Ruby 3.1 and
// ruby-rack installed: a gem, a default gem and one in
// rubygems-integration.
func TestGemspecRealFiles(t *testing.T) {
	pkgs, err := manifestRun(t, newGemspecCataloger(), os.DirFS("testdata/ruby"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range pkgs {
		got = append(got, p.PURL+" "+strings.Join(p.Licenses, ",")+" "+p.Locations[0].Path)
	}
	want := []string{
		"pkg:gem/json@2.6.1 Ruby usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec",
		"pkg:gem/rake@13.0.6 MIT usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec",
		"pkg:gem/rack@2.2.22 MIT usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestGemspecForms(t *testing.T) {
	tests := []struct {
		name, spec string
		want       string // purl and licenses, or "" for no package
	}{
		{"generated", "Gem::Specification.new do |s|\n  s.name = \"rack\".freeze\n  s.version = \"2.2.4\"\n  s.licenses = [\"MIT\".freeze]\nend\n", "pkg:gem/rack@2.2.4 [MIT]"},
		{"spec receiver, single quotes", "Gem::Specification.new do |spec|\n  spec.name    = 'puma'\n  spec.version = '6.0.0'\n  spec.license = 'BSD-3-Clause'\nend\n", "pkg:gem/puma@6.0.0 [BSD-3-Clause]"},
		{"two licenses", "  s.name = \"a\"\n  s.version = \"1.0\"\n  s.licenses = [\"Ruby\".freeze, \"BSD-2-Clause\".freeze]\n", "pkg:gem/a@1.0 [Ruby BSD-2-Clause]"},
		{"native platform", "  s.name = \"nokogiri\".freeze\n  s.version = \"1.13.10\"\n  s.platform = \"x86_64-linux\".freeze\n", "pkg:gem/nokogiri@1.13.10?platform=x86_64-linux []"},
		{"ruby platform", "  s.name = \"a\"\n  s.version = \"1\"\n  s.platform = \"ruby\"\n", "pkg:gem/a@1 []"},
		{"not the rubygems version", "  s.name = \"a\"\n  s.required_rubygems_version = \">= 0\"\n  s.rubygems_version = \"3.3.7\".freeze\n", ""},
		{"computed version", "  s.name = \"a\"\n  s.version = A::VERSION\n", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkgs, err := gemParseSpec("specifications/x.gemspec", []byte(tt.spec))
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for _, p := range pkgs {
				got = p.PURL + " [" + strings.Join(p.Licenses, " ") + "]"
				if p.Type != TypeGem || p.Ecosystem != "RubyGems" {
					t.Errorf("bad package %+v", p)
				}
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestGemspecAgreesWithRubyGems checks the cataloger against RubyGems
// itself: over every directory of Gem.path, it finds the gems
// Gem::Specification lists.
func TestGemspecAgreesWithRubyGems(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ruby")
	}
	if _, err := exec.LookPath("ruby"); err != nil {
		testbed.Unavailable(t, "ruby", "not on PATH (apt-get install ruby)")
	}
	want := strings.Fields(gemRuby(t, `Gem::Specification.each { |s| puts "#{s.name}@#{s.version}" }`))
	slices.Sort(want)
	want = slices.Compact(want)
	root := os.DirFS("/")
	c := newGemspecCataloger()
	var paths []string
	for _, dir := range strings.Fields(gemRuby(t, `puts Gem.path`)) {
		fs.WalkDir(root, strings.TrimPrefix(dir, "/"), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && c.Match(p, d.Type()) {
				paths = append(paths, p)
			}
			return nil
		})
	}
	pkgs, err := c.Catalog(context.Background(), Input{FS: root, Paths: paths})
	if err != nil {
		t.Fatal(err)
	}
	got := manifestNameVersions(pkgs)
	t.Logf("%d gemspecs, %d distinct gems; RubyGems lists %d", len(pkgs), len(got), len(want))
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("differs from RubyGems:%s", manifestDiff(got, want))
	}
}

// gemRuby runs a Ruby one-liner and returns what it printed.
func gemRuby(t *testing.T, script string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ruby", append([]string{"-e", script}, args...)...)
	cmd.Dir = t.TempDir()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ruby -e %q: %v", script, err)
	}
	return string(out)
}
