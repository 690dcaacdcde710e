package version

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

func TestPEP440SpecOrder(t *testing.T) {
	// The example ordering of PEP 440's "Summary of permitted suffixes and
	// relative ordering", with the local versions of its "Local version
	// identifiers" section.
	langCheckOrder(t, PEP440{}, []string{
		"1.dev0", "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12",
		"1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345",
		"1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5",
		"1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1",
	})
}

func TestPEP440Cases(t *testing.T) {
	// The normalizations PEP 440 spells out, and packaging's sort key.
	langCheckCases(t, PEP440{}, []langCase{
		{"1.0", "1.0.0", 0},
		{"1.0.0.0.0", "1", 0},
		{"v1.0", "1.0", 0},
		{"V1.0", "1.0", 0},
		{" 1.0\n", "1.0", 0},
		{"1.0ALPHA1", "1.0a1", 0},
		{"1.0-beta.2", "1.0b2", 0},
		{"1.0c1", "1.0rc1", 0},
		{"1.0pre1", "1.0rc1", 0},
		{"1.0preview1", "1.0rc1", 0},
		{"1.0a", "1.0a0", 0},
		{"1.0-1", "1.0.post1", 0},
		{"1.0-r1", "1.0.post1", 0},
		{"1.0rev", "1.0.post0", 0},
		{"1.0_post_2", "1.0.post2", 0},
		{"1.0-dev", "1.0.dev0", 0},
		{"1.0a1-1", "1.0a1.post1", 0},
		{"1.0+ubuntu-1", "1.0+ubuntu.1", 0},
		{"1.0+UBUNTU_1", "1.0+ubuntu.1", 0},
		{"1.0+1", "1.0+01", 0},
		{"0!1.0", "1.0", 0},
		{"1!1.0", "2.0", 1},
		{"1.0.dev0", "1.0a0", -1},
		{"1.0.post1.dev0", "1.0.post1", -1},
		{"1.0.post0", "1.0", 1},
		{"1.0+abc", "1.0+1", -1}, // letters before numbers in a local part
		{"1.0+abc", "1.0+abc.0", -1},
		{"1.0+b", "1.0+A", 1},
		{"1.10", "1.9", 1},
		{"1.0.99999999999999999999", "1.0.99999999999999999998", 1},
	})
}

func TestPEP440Invalid(t *testing.T) {
	langCheckInvalid(t, PEP440{}, []string{
		"", "v", "a1", "1.", "1..0", "1.0a1a1", "1.0.post1a1", "1.0+", "1.0+a..b", "1.0+a-",
		"1.0-", "1!", "!1.0", "1.0 beta", "1.0-alpha-beta", "1.0dev.post1", "1.0.x", "2.3.4-SNAPSHOT",
		"1.0+ä", "1.0--1", "1.0.",
	})
}

func TestPEP440NoAllocs(t *testing.T) {
	langNoAllocs(t, PEP440{}, []string{"1.0", "1.0a1", "1!2.0.post3.dev4+abc.5", "1.0.dev0", "2.31.0", "1.0+ubuntu-1"})
}

// pep440Packaging is pypa/packaging's Version in Debian's python3 (the
// first python3 on PATH may be one without it).
func pep440Packaging(t *testing.T) langOracle {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import packaging.version").Run(); err != nil {
		testbed.Unavailable(t, "python3-packaging", "not available to %s (%v): apt-get install python3-packaging", py, err)
	}
	const script = `
import sys
from packaging.version import Version, InvalidVersion
def p(s):
    try:
        return Version(s)
    except InvalidVersion:
        return None
out = []
for line in sys.stdin.buffer.read().decode("utf-8").split("\n"):
    if not line:
        continue
    f = line.split("\t")
    if f[0] == "p":
        out.append("ok" if p(f[1]) is not None else "err")
    else:
        a, b = p(f[1]), p(f[2])
        out.append("err" if a is None or b is None else str((a > b) - (a < b)))
sys.stdout.write("\n".join(out) + "\n")
`
	return func(t *testing.T, qs []string) []string { return langRun(t, qs, nil, py, "-c", script) }
}

func TestPEP440AgainstPackaging(t *testing.T) {
	langOracleSkip(t)
	py := pep440Packaging(t)
	langAgreement(t, PEP440{}, py, "OSV PyPI", langVulndata(t, "PyPI"), 5000, nil)
	var installed []string
	for _, d := range langFiles("/usr/lib/python3/dist-packages/*.dist-info", "/usr/lib/python3/dist-packages/*.egg-info",
		"/usr/local/lib/python3*/dist-packages/*.dist-info", "/root/.pyenv/versions/*/lib/python3*/site-packages/*.dist-info") {
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(d), ".dist-info"), ".egg-info")
		if _, v, ok := strings.Cut(name, "-"); ok {
			v, _, _ = strings.Cut(v, "-py") // egg-info: name-1.0-py3.11
			installed = append(installed, v)
		}
	}
	langAgreement(t, PEP440{}, py, "installed Python distributions", installed, 1000, nil)
	for _, f := range []string{"pypi-versions.txt", "pypi-versions-generated.txt"} {
		if sc := langScalibr(t, f); sc != nil {
			langAgreement(t, PEP440{}, py, "osv-scalibr "+f, sc, 2000, nil)
		}
	}
	// Versions of other ecosystems: real strings, many not PEP 440.
	for _, eco := range []string{"Go", "crates.io", "Bitnami"} {
		langAgreement(t, PEP440{}, py, "OSV "+eco+" versions read as PEP 440", langVulndata(t, eco), 2000, nil)
	}
}

func TestPEP440MutantsAgainstPackaging(t *testing.T) {
	langOracleSkip(t)
	py := pep440Packaging(t)
	pieces := []string{"0", "1", "01", ".", "-", "_", "+", "!", "v", "V", "a", "b", "c", "rc", "alpha", "beta", "pre", "preview",
		"post", "rev", "r", "dev", "DEV", "Post", " ", "\u00a0", "\x1c", "..", "--", "-1", ".post", "+local.1", "x", "l"}
	langAgreement(t, PEP440{}, py, "mutated PyPI versions", langMutants(3, 30000, langVulndata(t, "PyPI"), pieces), 5000, nil)
}

func FuzzPEP440(f *testing.F) {
	for _, s := range []string{"1.0", "1!2.0rc1.post3.dev4+ab.5", "v1.0-1", "1.0a.", "1.0.dev", " 1.0 ", "1.0+UBUNTU_1"} {
		f.Add(s, "1.0.post1", "1.0rc1")
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		langFuzz(t, PEP440{}, true, a, b, c)
	})
}

var pep440Bench = []string{"2.31.0", "1.26.18", "3.0.0rc1", "1.0.post1", "2.0.0.dev20230101", "1!1.0", "0.9.8+ubuntu1", "23.1"}

func BenchmarkPEP440(b *testing.B) { langBench(b, PEP440{}, pep440Bench) }
