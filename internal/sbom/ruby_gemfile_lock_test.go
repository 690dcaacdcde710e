package sbom

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

func TestGemfileLockMatch(t *testing.T) {
	tests := map[string]bool{
		"Gemfile.lock":                 true,
		"srv/app/Gemfile.lock":         true,
		"srv/app/Gemfile":              false,
		"srv/app/gems.locked":          false,
		"srv/app/MyGemfile.lock":       false,
		"srv/app/Gemfile.lock.example": false,
	}
	checkMatch(t, newGemfileLockCataloger(), tests)
}

// gemfileLockFixtures are the Gemfile.lock files under testdata/ruby and
// the gems of their GEM sections: "app" is what `bundle lock --local` wrote
// for five gems; "edge" is hand-written with GIT and PATH sections, native
// platform gems and a CHECKSUMS section.
var gemfileLockFixtures = map[string][]string{
	"app": {
		"pkg:gem/net-telnet@0.2.0", "pkg:gem/rack@2.2.22", "pkg:gem/rake@13.0.6",
		"pkg:gem/webrick@1.8.1", "pkg:gem/xmlrpc@0.3.2",
	},
	"edge": {
		"pkg:gem/concurrent-ruby@1.1.10", "pkg:gem/mini_portile2@2.8.0",
		"pkg:gem/nokogiri@1.13.10?platform=x86_64-linux", "pkg:gem/nokogiri@1.13.10?platform=arm64-darwin",
		"pkg:gem/racc@1.6.1", "pkg:gem/rack@2.2.4", "pkg:gem/sqlite3@1.5.4?platform=x86_64-linux-gnu",
	},
}

func TestGemfileLockFiles(t *testing.T) {
	for dir, want := range gemfileLockFixtures {
		t.Run(dir, func(t *testing.T) {
			pkgs, err := manifestRun(t, newGemfileLockCataloger(), os.DirFS(filepath.Join("testdata/ruby", dir)))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range pkgs {
				got = append(got, p.PURL)
				if p.Ecosystem != "RubyGems" || p.Locations[0].Path != "Gemfile.lock" {
					t.Errorf("bad package %+v", p)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestGemfileLockOddLines(t *testing.T) {
	lock := "GEM\r\n  specs:\r\n    rack (2.2.4)\r\n    broken\r\n    (1.0)\r\n    a ()\r\n    b (1.0\r\n      rack\r\n"
	pkgs, err := gemParseLock("Gemfile.lock", []byte(lock))
	if err != nil {
		t.Fatal(err)
	}
	if got := manifestNameVersions(pkgs); !slices.Equal(got, []string{"rack@2.2.4"}) {
		t.Errorf("got %v, want [rack@2.2.4]", got)
	}
}

// TestGemfileLockAgreesWithBundler checks each fixture against Bundler's
// own lockfile parser: the specs it reads from gem servers.
func TestGemfileLockAgreesWithBundler(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ruby")
	}
	if _, err := exec.LookPath("ruby"); err != nil {
		testbed.Unavailable(t, "ruby", "not on PATH (apt-get install ruby bundler)")
	}
	const script = `require "bundler"
File.write("Gemfile", "")
Bundler::LockfileParser.new(File.read(ARGV[0])).specs.each do |s|
  puts "#{s.name}@#{s.version}" if s.source.is_a?(Bundler::Source::Rubygems)
end`
	for dir := range gemfileLockFixtures {
		path, err := filepath.Abs(filepath.Join("testdata/ruby", dir, "Gemfile.lock"))
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Fields(gemRuby(t, script, path))
		slices.Sort(want)
		want = slices.Compact(want)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		pkgs, err := gemParseLock("Gemfile.lock", b)
		if err != nil {
			t.Fatal(err)
		}
		got := manifestNameVersions(pkgs)
		t.Logf("%s: %d gems, Bundler: %d", dir, len(got), len(want))
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s differs from Bundler:%s", dir, manifestDiff(got, want))
		}
	}
}

func FuzzGemfileLock(f *testing.F) {
	for _, dir := range []string{"app", "edge"} {
		if b, err := os.ReadFile(filepath.Join("testdata/ruby", dir, "Gemfile.lock")); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("GEM\n    a (-)\n    (\n    a (1-)\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pkgs, _ := gemParseLock("Gemfile.lock", b)
		for _, p := range pkgs {
			if p.Name == "" || p.Version == "" {
				t.Errorf("package without name or version: %+v", p)
			}
		}
	})
}
