package version

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

func TestSemverSpecOrder(t *testing.T) {
	// The precedence examples of SemVer 2.0.0, items 11.2 to 11.4.
	langCheckOrder(t, Semver{}, []string{"1.0.0", "2.0.0", "2.1.0", "2.1.1"})
	langCheckOrder(t, Semver{}, []string{
		"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
		"1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0",
	})
}

func TestSemverCases(t *testing.T) {
	langCheckCases(t, Semver{}, []langCase{
		{"1.0.0+20130313144700", "1.0.0", 0}, // build metadata is ignored (item 10)
		{"1.0.0-beta+exp.sha.5114f85", "1.0.0-beta", 0},
		{"v1.2.3", "1.2.3", 0},
		{"0", "0.0.0", 0},                    // OSV's "introduced: 0"
		{"2018.08.18", "2018.8.18", 0},       // Bitnami minio; node-semver loose
		{"2018.08.18", "2026.04.10", -1},     // the same range's end
		{"1.2.3-a-b", "1.2.3-a", 1},          // "-" is part of an identifier
		{"1.2.3-2", "1.2.3-10", -1},          // numbers numerically
		{"1.2.3-10", "1.2.3-9a", -1},         // numbers before letters
		{"1.2.3-B", "1.2.3-a", -1},           // ASCII order
		{"10.0.0", "9.99.99", 1},             // not by text
		{"9007199254740991.0.0", "9.0.0", 1}, // node-semver's largest
		{"1.0.0-x.7.z.92", "1.0.0-x.7.z.92+b", 0},
	})
}

func TestSemverInvalid(t *testing.T) {
	langCheckInvalid(t, Semver{}, []string{
		"", "v", "1", "1.2", "1.2.3.4", "1.2.x", "=1.2.3", "1.2.3beta",
		"1.2.3-", "1.2.3+", "1.2.3-a..b", "1.2.3-01", "1.2.3+a+b", "1.2.3 4", " 1.2.3", "1.2.3 ",
		"9007199254740992.0.0", "nightly.2026-03-10.0", "V1.2.3", "00",
		string(make([]byte, 300)),
	})
}

func TestSemverNoAllocs(t *testing.T) {
	langNoAllocs(t, Semver{}, []string{"1.2.3", "1.2.3-rc.1", "1.2.3-rc.1.x", "2018.08.18", "0"})
}

// semverNode is node-semver (Debian's node-semver, or any on NODE_PATH):
// "ok" for versions it accepts strictly, "ok\tloose" for those only its
// loose mode accepts, and loose comparisons.
func semverNode(t *testing.T) langOracle {
	t.Helper()
	env := []string{"NODE_PATH=/usr/share/nodejs:/usr/lib/nodejs:" + os.Getenv("NODE_PATH")}
	check := exec.Command("node", "-e", "require('semver')")
	check.Env = append(os.Environ(), env...)
	if err := check.Run(); err != nil {
		testbed.Unavailable(t, "node-semver", "not available (%v): apt-get install node-semver", err)
	}
	const script = `
const semver = require('semver');
const out = [];
for (const l of require('fs').readFileSync(0, 'utf8').split('\n')) {
  if (l === '') continue;
  const f = l.split('\t');
  if (f[0] === 'p') {
    out.push(semver.valid(f[1]) !== null ? 'ok' : semver.valid(f[1], {loose: true}) !== null ? 'ok\tloose' : 'err');
  } else {
    try { out.push(String(semver.compare(f[1], f[2], {loose: true}))); } catch (e) { out.push('err'); }
  }
}
process.stdout.write(out.join('\n') + '\n');
`
	return func(t *testing.T, qs []string) []string {
		return langRun(t, qs, env, "node", "-e", script)
	}
}

// semverDocumented are the differences from node-semver that are meant:
// "0" is OSV's "introduced: 0"; forms only node-semver's loose mode takes
// ("=1.2.3", "1.2.3beta") are refused, but for leading zeros.
func semverDocumented(str string, mine bool, detail string) bool {
	return mine && str == "0" || !mine && detail == "loose"
}

func TestSemverAgainstNodeSemver(t *testing.T) {
	langOracleSkip(t)
	node := semverNode(t)
	for _, eco := range []string{"npm", "crates.io", "Bitnami", "Go", "NuGet"} {
		langAgreement(t, Semver{}, node, "OSV "+eco, langVulndata(t, eco), 3000, semverDocumented)
	}
	var installed []string
	for _, f := range langFiles("/usr/share/nodejs/*/package.json", "/usr/lib/nodejs/*/package.json", "/usr/share/nodejs/@*/*/package.json") {
		var pkg struct{ Version string }
		if b, err := os.ReadFile(f); err == nil && json.Unmarshal(b, &pkg) == nil && pkg.Version != "" {
			installed = append(installed, pkg.Version)
		}
	}
	langAgreement(t, Semver{}, node, "installed Node packages", installed, 1000, semverDocumented)
	if sc := langScalibr(t, "semver-versions.txt"); sc != nil {
		langAgreement(t, Semver{}, node, "osv-scalibr semver-versions.txt", sc, 500, semverDocumented)
	}
}

func TestSemverMutantsAgainstNodeSemver(t *testing.T) {
	langOracleSkip(t)
	node := semverNode(t)
	real := langVulndata(t, "Bitnami")
	pieces := []string{"0", "00", "01", "1", "9", ".", ".0", "-", "+", "v", "a", "A", "rc", "alpha", "-0", "-01", ".x",
		"9007199254740991", "9007199254740992", "18446744073709551616", " ", "=", "_", "--", "..", "-rc.1", "+build"}
	langAgreement(t, Semver{}, node, "mutated Bitnami versions", langMutants(1, 20000, real, pieces), 5000, semverDocumented)
}

func FuzzSemver(f *testing.F) {
	for _, s := range []string{"1.2.3", "v1.2.3-rc.1+b", "0", "2018.08.18", "1.0.0-alpha.beta", "1.2.3-0a", "01.2.3"} {
		f.Add(s, "1.2.3-rc.2", "1.2.3")
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		langFuzz(t, Semver{}, true, a, b, c)
	})
}

var semverBench = []string{"1.2.3", "4.17.21", "1.0.0-rc.1", "1.0.0-beta.11", "2.0.0-alpha.1+build.5", "0.0.0-20191109021931-daa7c04131f5", "3.4.10", "10.1.0"}

func BenchmarkSemver(b *testing.B) { langBench(b, Semver{}, semverBench) }
