package version

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

func TestGemCases(t *testing.T) {
	langCheckCases(t, Gem{}, []langCase{
		{"1.0", "1.0.0", 0},
		{"1.0.a", "1.a", 0},     // trailing zeros of the release go
		{"1.0.a.0", "1.0.a", 0}, // and of the prerelease
		{"1.0-1", "1.0.pre.1", 0},
		{"1.0-1", "1.0", -1},
		{"1.0.b1", "1.0.a2", 1},
		{"1.A", "1.a", -1}, // letters compare by bytes
		{"1.9.3", "1.9.3.1", -1},
		{"1.10", "1.9", 1},
		{"", "0", 0},
		{"  ", "0.0", 0},
		{" 1.2 ", "1.2", 0},
		{"1.0.rc1", "1.0.0.rc.1", 0},
		{"2.0.0.pre.1", "2.0.0.b", 1},
		{"1.0.99999999999999999999", "1.0.99999999999999999998", 1},
	})
}

func TestGemInvalid(t *testing.T) {
	langCheckInvalid(t, Gem{}, []string{
		"a", "1a", "1.", "1..2", ".1", "1-", "1.0-a.", "1.0+b", "1 2", "v1.0", "1.0_1", "1.0\x00",
	})
}

func TestGemNoAllocs(t *testing.T) {
	langNoAllocs(t, Gem{}, []string{"1.0", "1.0.0.rc1", "1.0-1", "5.2.4.3", "0.a.0", ""})
}

// gemVectors reads RubyGems' test_gem_version.rb: its spaceship,
// assert_less_than, assert_version_equal, refute_version_equal and hash
// checks, the versions test_initialize and test_empty_version take as
// equal, and those test_initialize_invalid refuses.
func gemVectors(t *testing.T) (cases []langCase, invalid []string) {
	t.Helper()
	src := string(langUpstream(t, "ruby3.1/test/rubygems/test_gem_version.rb"))
	str := `"((?:[^"\\]|\\.)*)"`
	facts := []struct {
		re   string
		want int // for the spaceship, read from the match
	}{
		{`assert_equal\((-?\d),\s*v\(` + str + `\)\s*<=>\s*(?:v\()?` + str, 0},
		{`assert_less_than\s+` + str + `,\s*` + str, -1},
		{`assert_version_equal\s+` + str + `,\s*` + str, 0},
		{`refute_version_equal\s+` + str + `,\s*` + str, gemUnequal},
		{`assert_equal v\(` + str + `\)\.hash,\s*v\(` + str + `\)\.hash`, 0},
		{`refute_equal v\(` + str + `\)\.hash,\s*v\(` + str + `\)\.hash`, gemUnequal},
	}
	for i, f := range facts {
		for _, m := range regexp.MustCompile(f.re).FindAllStringSubmatch(src, -1) {
			want := f.want
			if i == 0 {
				want = map[string]int{"-1": -1, "0": 0, "1": 1}[m[1]]
			}
			cases = append(cases, langCase{gemUnquote(m[len(m)-2]), gemUnquote(m[len(m)-1]), want})
		}
	}
	for _, test := range []string{"test_initialize", "test_empty_version"} {
		m := regexp.MustCompile(`(?s)def ` + test + `\n.*?\[(.*?)\]\.each`).FindStringSubmatch(src)
		if m == nil {
			t.Fatalf("test_gem_version.rb: no %s", test)
		}
		want := "1.0"
		if test == "test_empty_version" {
			want = "0"
		}
		for _, q := range regexp.MustCompile(str).FindAllStringSubmatch(m[1], -1) {
			cases = append(cases, langCase{want, gemUnquote(q[1]), 0})
		}
	}
	m := regexp.MustCompile(`(?s)%W\[(.*?)\]`).FindStringSubmatch(src)
	if m == nil {
		t.Fatal("test_gem_version.rb: no invalid versions")
	}
	for _, w := range regexp.MustCompile(`(?:\\.|\S)+`).FindAllString(m[1], -1) {
		invalid = append(invalid, gemUnquote(w))
	}
	for _, q := range regexp.MustCompile(`invalid_versions << `+str).FindAllStringSubmatch(src, -1) {
		invalid = append(invalid, gemUnquote(q[1]))
	}
	return cases, invalid
}

// gemUnequal marks a refute_* check: the versions are anything but equal.
const gemUnequal = 2

// gemUnquote reads the escapes of a Ruby double-quoted string or %W word.
func gemUnquote(s string) string {
	r := strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\ `, " ", `\"`, `"`, `\\`, `\`)
	return r.Replace(s)
}

func TestGemUpstreamVectors(t *testing.T) {
	cases, invalid := gemVectors(t)
	// 39 checks at RubyGems 3.3 (ruby3.1) and 5 invalid versions.
	if len(cases) < 39 || len(invalid) < 5 {
		t.Fatalf("test_gem_version.rb: only %d checks and %d invalid versions found", len(cases), len(invalid))
	}
	var exact []langCase
	for _, c := range cases {
		if c.want != gemUnequal {
			exact = append(exact, c)
			continue
		}
		if got, err := Compare(Gem{}, c.a, c.b); err != nil || got == 0 {
			t.Errorf("Compare(%q, %q) = %d, %v; want unequal", c.a, c.b, got, err)
		}
	}
	langCheckCases(t, Gem{}, exact)
	langCheckInvalid(t, Gem{}, invalid)
	t.Logf("test_gem_version.rb: %d checks, %d invalid versions", len(cases), len(invalid))
}

// gemRuby is Gem::Version of the installed Ruby.
func gemRuby(t *testing.T) langOracle {
	t.Helper()
	if _, err := exec.LookPath("ruby"); err != nil {
		testbed.Unavailable(t, "ruby", "not found: apt-get install ruby")
	}
	const script = `
out = []
STDIN.read.force_encoding("UTF-8").split("\n").each do |l|
  next if l.empty?
  f = l.split("\t", -1)
  if f[0] == "p"
    out << (begin; Gem::Version.new(f[1]); "ok"; rescue ArgumentError; "err"; end)
  else
    out << (Gem::Version.new(f[1]) <=> Gem::Version.new(f[2])).to_s
  end
end
STDOUT.write(out.join("\n") + "\n")
`
	return func(t *testing.T, qs []string) []string { return langRun(t, qs, nil, "ruby", "-e", script) }
}

// gemInstalled reads the versions of the gem specifications installed.
func gemInstalled() []string {
	var vs []string
	re := regexp.MustCompile(`(?m)^\s*s\.version = "([^"]*)"`)
	for _, f := range langFiles("/usr/lib/ruby/gems/*/specifications/*.gemspec", "/usr/lib/ruby/gems/*/specifications/default/*.gemspec",
		"/usr/share/rubygems-integration/*/specifications/*.gemspec", "/usr/lib/*/rubygems-integration/*/specifications/*.gemspec",
		"/var/lib/gems/*/specifications/*.gemspec") {
		if b, err := os.ReadFile(f); err == nil {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				vs = append(vs, m[1])
			}
		}
	}
	return vs
}

func TestGemAgainstRubyGems(t *testing.T) {
	langOracleSkip(t)
	ruby := gemRuby(t)
	langAgreement(t, Gem{}, ruby, "installed gems", gemInstalled(), 1000, nil)
	for _, f := range []string{"rubygems-versions.txt", "rubygems-versions-generated.txt"} {
		if sc := langScalibr(t, f); sc != nil {
			langAgreement(t, Gem{}, ruby, "osv-scalibr "+f, sc, 2000, nil)
		}
	}
	for _, eco := range []string{"PyPI", "Go", "crates.io", "Bitnami"} {
		langAgreement(t, Gem{}, ruby, "OSV "+eco+" versions read as RubyGems", langVulndata(t, eco), 2000, nil)
	}
	cases, invalid := gemVectors(t)
	var vecs []string
	for _, c := range cases {
		vecs = append(vecs, c.a, c.b)
	}
	langAgreement(t, Gem{}, ruby, "test_gem_version.rb's versions", append(vecs, invalid...), 500, nil)
}

func TestGemMutantsAgainstRubyGems(t *testing.T) {
	langOracleSkip(t)
	ruby := gemRuby(t)
	real := append(gemInstalled(), langScalibr(t, "rubygems-versions-generated.txt")...)
	real = append(real, "1.0.0.rc1", "2.0.0-beta.2", "0.9.1.pre")
	pieces := []string{"0", "00", "1", "9", ".", "-", "..", "--", ".0", "-0", "a", "A", "pre", "rc", "beta", "Z", " ", "\v", "\f", "_", "+", "x.y"}
	langAgreement(t, Gem{}, ruby, "mutated RubyGems versions", langMutants(5, 20000, real, pieces), 5000, nil)
}

func FuzzGem(f *testing.F) {
	for _, s := range []string{"1.0", "1.0.a.0", "1.0-1", " 1.2 ", "", "1.A", "2.0.0.pre.1", "1--"} {
		f.Add(s, "1.0.b1", "1.0.0")
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		langFuzz(t, Gem{}, true, a, b, c)
	})
}

var gemBench = []string{"1.0", "7.0.4.3", "1.13.10", "2.0.0.rc1", "3.2.0-1", "0.9.1.pre", "1.15.4", "13.0.6"}

func BenchmarkGem(b *testing.B) { langBench(b, Gem{}, gemBench) }
