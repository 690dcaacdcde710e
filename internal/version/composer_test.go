package version

import (
	"os"
	"os/exec"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

func TestComposerNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"1.0.0", "1.0.0.0"},
		{"v1.2", "1.2.0.0"},
		{"V1.2.3.4", "1.2.3.4"},
		{"1.0.0-beta2", "1.0.0.0-beta2"},
		{"1.0-b2", "1.0.0.0-beta2"},
		{"1.0.0RC1", "1.0.0.0-RC1"},
		{"1.0.0-rc.1", "1.0.0.0-RC1"},
		{"1.0-alpha.1.2", "1.0.0.0-alpha1.2"},
		{"1.0.0-pl3", "1.0.0.0-patch3"},
		{"1.0.0-stable", "1.0.0.0"},
		{"1.0.0-dev", "1.0.0.0-dev"},
		{"1.0.0-beta2-dev", "1.0.0.0-beta2-dev"},
		{"20230102", "20230102"},
		{"2023-01-02", "2023.01.02"},
		{"2023.01.02", "2023.01.02.0"}, // the classical pattern wins
		{"1.x-dev", "1.9999999.9999999.9999999-dev"},
		{"2.1.*-dev", "2.1.9999999.9999999-dev"},
		{"1.0.0+build.5", "1.0.0.0"},
		{"1.0.0@beta", "1.0.0.0"},
		{"1.0.0 as 2.0.0", "1.0.0.0"},
		{" 1.0 ", "1.0.0.0"},
		{"01.02", "01.02.0.0"},
		{"123456.0", "123456.0"}, // six digits: a date, not MAJOR
		{"1.0.0-stable1-dev", "1.0.0.0"},
		{"v2023-01-02RC1", "2023.01.02-RC1"},
	} {
		v, err := Composer{}.Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if got := v.(*composerVersion).norm; got != c.want {
			t.Errorf("Parse(%q) normalizes to %q, want %q", c.in, got, c.want)
		}
	}
}

func TestComposerCases(t *testing.T) {
	langCheckCases(t, Composer{}, []langCase{
		{"1.0", "1.0.0", 0},
		{"v1.0.0", "1.0.0.0", 0},
		{"1.0.0-dev", "1.0.0-alpha", -1},
		{"1.0.0-alpha", "1.0.0-beta", -1},
		{"1.0.0-beta", "1.0.0-RC", -1},
		{"1.0.0-RC", "1.0.0", -1},
		{"1.0.0", "1.0.0-patch1", -1},
		{"1.0.0-beta2", "1.0.0-beta10", -1},
		{"1.0.0-alpha1-dev", "1.0.0-alpha1", -1},
		{"1.x-dev", "1.99.0", 1},
		{"1.0.0-STABLE", "1.0.0-dev", -1},                      // "-stable" spelt otherwise stays, and sorts first
		{"1.99999999999999999999", "1.9223372036854775807", 0}, // strtol saturates
	})
}

func TestComposerInvalid(t *testing.T) {
	langCheckInvalid(t, Composer{}, []string{
		"", "dev-main", "dev-master", "master", "DEV-feature", "foo", "1.0.0-foo", "12345678901234567890",
		"1.0.0-beta_1", "1.0.0.0.0", "1.0-1", "1.0 as", "1,0", "1.0.0+", "x.1-dev", "dev",
	})
}

func TestComposerNoAllocs(t *testing.T) {
	langNoAllocs(t, Composer{}, []string{"1.0", "v2.3.4", "1.0.0-beta2", "1.0.0-RC1-dev", "2023.01.02", "1.x-dev"})
}

// composerPHP is Composer's own VersionParser::normalize and Comparator
// (php-composer-semver, which the composer package depends on), run by PHP.
func composerPHP(t *testing.T) langOracle {
	t.Helper()
	const autoload = "/usr/share/php/Composer/Semver/autoload.php"
	if _, err := os.Stat(autoload); err != nil {
		testbed.Unavailable(t, "Composer\\Semver", "not found (%v): apt-get install php-cli php-composer-semver", err)
	}
	if _, err := exec.LookPath("php"); err != nil {
		testbed.Unavailable(t, "php", "not found: apt-get install php-cli")
	}
	const script = `
require '` + autoload + `';
use Composer\Semver\Comparator;
$p = new Composer\Semver\VersionParser();
function norm($p, $s) {
    try { $n = $p->normalize($s); } catch (\Exception $e) { return null; }
    return stripos($n, 'dev-') === 0 ? null : $n;
}
$out = [];
foreach (explode("\n", stream_get_contents(STDIN)) as $l) {
    if ($l === '') continue;
    $f = explode("\t", $l);
    if ($f[0] === 'p') { $n = norm($p, $f[1]); $out[] = $n === null ? 'err' : "ok\t$n"; continue; }
    $a = norm($p, $f[1]); $b = norm($p, $f[2]);
    if ($a === null || $b === null) { $out[] = 'err'; continue; }
    $out[] = Comparator::lessThan($a, $b) ? '-1' : (Comparator::equalTo($a, $b) ? '0' : '1');
}
echo implode("\n", $out), "\n";
`
	return func(t *testing.T, qs []string) []string { return langRun(t, qs, nil, "php", "-r", script) }
}

// composerAgree compares with PHP: normalized forms, then order.
func composerAgree(t *testing.T, php langOracle, what string, corpus []string, random int) {
	t.Helper()
	both := langAgreement(t, Composer{}, php, what, corpus, random, nil)
	norm := langAcceptance(t, php, both)
	bad := 0
	for _, s := range both {
		v, _ := Composer{}.Parse(s)
		if got := v.(*composerVersion).norm; got != norm[s] {
			bad++
			if bad <= 20 {
				t.Errorf("%s: Parse(%q) normalizes to %q, VersionParser to %q", what, s, got, norm[s])
			}
		}
	}
	t.Logf("%s: normalized forms of %d versions: %d agree with VersionParser, %d differ", what, len(both), len(both)-bad, bad)
}

func TestComposerAgainstComposerSemver(t *testing.T) {
	langOracleSkip(t)
	php := composerPHP(t)
	for _, f := range []string{"packagist-versions.txt", "packagist-versions-generated.txt"} {
		if sc := langScalibr(t, f); sc != nil {
			composerAgree(t, php, "osv-scalibr "+f, sc, 3000)
		}
	}
	for _, eco := range []string{"PyPI", "Go", "crates.io", "Bitnami"} {
		composerAgree(t, php, "OSV "+eco+" versions read as Composer", langVulndata(t, eco), 2000)
	}
}

func TestComposerMutantsAgainstComposerSemver(t *testing.T) {
	langOracleSkip(t)
	php := composerPHP(t)
	real := append(langScalibr(t, "packagist-versions-generated.txt"), langVulndata(t, "Bitnami")...)
	pieces := []string{"0", "00", "1", "12345", "123456", ".", "-", "_", "+", ":", "v", "V", "x", "X", "*", "dev", "DEV", "-dev", ".x-dev",
		"a", "b", "p", "pl", "rc", "RC", "alpha", "beta", "patch", "stable", "Stable", "@dev", "@stable", " as 1.0", " ", ",",
		"master", "dev-", "2023", "20230102", "-01", ".02", "99999999999999999999"}
	composerAgree(t, php, "mutated Packagist and Bitnami versions", langMutants(6, 30000, real, pieces), 5000)
}

func FuzzComposer(f *testing.F) {
	for _, s := range []string{"1.0", "v1.2.3-beta2", "1.0-b2-dev", "2023-01-02", "1.x-dev", "1.0.0@beta", "1.0 as 2.0", "1.0.0+b", "1.0.0-STABLE"} {
		f.Add(s, "1.0.0-RC1", "1.0.0.0")
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		langFuzz(t, Composer{}, true, a, b, c)
	})
}

var composerBench = []string{"1.0.0", "v2.3.4", "5.4.21", "1.0.0-beta2", "2.0.0-RC1", "6.4.x-dev", "3.0.0-alpha1-dev", "2023.01.02"}

func BenchmarkComposer(b *testing.B) { langBench(b, Composer{}, composerBench) }
