package version

import (
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// NuGet's implementation (NuGet.Versioning, .NET) cannot run here, so
// unlike the other schemes NuGet is not checked against its upstream's
// implementation. Its tests check the rules NuGet documents: the
// "Package versioning" page of NuGet's documentation
// (learn.microsoft.com/nuget/concepts/package-versioning) and Semantic
// Versioning 2.0.0 (semver.org), which that page says NuGet 4.3+ follows;
// and the comparison cases of NuGet.Versioning's own test suite as
// test vectors (TestNuGetClientCases).

func TestNuGetDocumentedOrder(t *testing.T) {
	// "Package versioning", Pre-release versions: NuGet picks a version
	// without suffix first, then suffixes in reverse alphabetical order.
	langCheckOrder(t, NuGet{}, []string{
		"1.0.1-aaa", "1.0.1-alpha", "1.0.1-alpha2", "1.0.1-beta", "1.0.1-open", "1.0.1-rc", "1.0.1-zzz", "1.0.1",
	})
	// NuGet 4.3+ follows SemVer 2.0.0's precedence (its item 11 example).
	langCheckOrder(t, NuGet{}, []string{
		"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
		"1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0",
	})
}

func TestNuGetCases(t *testing.T) {
	langCheckCases(t, NuGet{}, []langCase{
		// "Package versioning", Normalized version numbers.
		{"1.00", "1.0", 0},
		{"1.01.1", "1.1.1", 0},
		{"1.00.0.1", "1.0.0.1", 0},
		{"1.0.0.0", "1.0.0", 0},
		{"1.0.01.0", "1.0.1", 0},
		// SemVer 2.0.0 item 10: build metadata does not count.
		{"1.0.7+r3456", "1.0.7", 0},
		// NuGet.Versioning's VersionComparer: the fourth number counts,
		// labels compare ignoring case, numbers as Int32.TryParse reads
		// them (a label above 2^31-1 is text).
		{"1", "1.0.0", 0},
		{"1.0.0.1", "1.0.0", 1},
		{"1.0.0.1-beta", "1.0.0.1", -1},
		{"1.0.0.1-beta", "1.0.0", 1},
		{"1.0.0-BETA", "1.0.0-beta", 0},
		{"1.0.0-Beta.X", "1.0.0-beta.y", -1},
		{"1.0.0-beta.10", "1.0.0-beta.9", 1},
		{"1.0.0-2147483647", "1.0.0-a", -1},
		{"1.0.0-2147483648", "1.0.0-99", 1},
		{"1.0.0-2147483648", "1.0.0-a", -1},
		{"1.0.0-a-b", "1.0.0-a", 1},
		{" 1.0.0 ", "1.0.0", 0},
		{"2147483647.0", "2147483646.9", 1},
	})
}

func TestNuGetInvalid(t *testing.T) {
	langCheckInvalid(t, NuGet{}, []string{
		"", "a", "1.", ".1", "1..2", "1.2.3.4.5", "1.0.0-", "1.0.0+", "1.0.0-a+", "1.0.0-01", "1.0.0-a..b",
		"1.0.0-a_b", "1.0.0+a+b", "2147483648.0", "-1.0", "1.0.0 beta", "v1.0.0", "1.0.x",
	})
}

func TestNuGetNoAllocs(t *testing.T) {
	langNoAllocs(t, NuGet{}, []string{"1.0", "13.0.1", "1.0.0-beta.2", "1.0.0.1-RC", "6.0.0-preview.7.21377.19", "1.0.0+sha"})
}

// TestNuGetClientCases checks NuGet.Versioning's comparison tests, as
// osv-scalibr copies them into its semantic/testdata/nuget-versions.txt,
// when that module is in the Go module cache.
func TestNuGetClientCases(t *testing.T) {
	cases := langScalibrLines(t, "nuget-versions.txt")
	if len(cases) == 0 {
		testbed.Unavailable(t, "osv-scalibr module", "its nuget-versions.txt is not in the Go module cache: go mod download github.com/google/osv-scalibr")
	}
	// The file also has osv-scalibr's own cases with numbers above 2^31-1,
	// which NuGet.Versioning's Version.TryParse refuses: skip those.
	var nuget []langCase
	for _, c := range cases {
		if _, err := (NuGet{}).Parse(c.a); err != nil {
			continue
		}
		if _, err := (NuGet{}).Parse(c.b); err != nil {
			continue
		}
		nuget = append(nuget, c)
	}
	if len(nuget) < 30 {
		t.Fatalf("nuget-versions.txt: only %d of %d cases are NuGet versions", len(nuget), len(cases))
	}
	langCheckCases(t, NuGet{}, nuget)
	t.Logf("nuget-versions.txt: %d cases checked, %d with numbers NuGet refuses skipped", len(nuget), len(cases)-len(nuget))
}

// TestNuGetAgreesWithSemver checks NuGet against the semver scheme (itself
// checked against node-semver) on real versions where SemVer 2.0.0 and
// NuGet must agree: three numbers, lower-case labels, numbers below 2^31.
func TestNuGetAgreesWithSemver(t *testing.T) {
	var strs []string
	for _, eco := range []string{"NuGet", "crates.io", "Bitnami", "Go"} {
		for _, s := range langVulndata(t, eco) {
			if _, err := (Semver{}).Parse(s); err == nil && nugetLikeSemver(s) {
				strs = append(strs, s)
			}
		}
	}
	vs := langMustParse(t, NuGet{}, strs)
	ss := langMustParse(t, Semver{}, strs)
	pairs := 0
	for i := range vs {
		for j := i; j < len(vs); j += 1 + len(vs)/500 {
			pairs++
			if got, want := vs[i].Compare(vs[j]), ss[i].Compare(ss[j]); got != want {
				t.Errorf("Compare(%q, %q) = %d, semver says %d", strs[i], strs[j], got, want)
			}
		}
	}
	t.Logf("%d real versions, %d pairs agree with the semver scheme", len(strs), pairs)
}

// nugetLikeSemver tells whether SemVer 2.0.0 and NuGet order s alike
// with any other such string.
func nugetLikeSemver(s string) bool {
	if s == "0" || strings.HasPrefix(s, "v") || strings.ToLower(s) != s {
		return false
	}
	core, _, _ := strings.Cut(s, "+")
	core, labels, _ := strings.Cut(core, "-")
	for _, p := range strings.Split(core, ".") {
		if len(p) > 1 && p[0] == '0' || len(p) > 9 {
			return false
		}
	}
	for _, l := range strings.Split(labels, ".") {
		if langAllDigits(l) && len(l) > 9 {
			return false
		}
	}
	return true
}

func FuzzNuGet(f *testing.F) {
	for _, s := range []string{"1.0", "1.0.0.1-beta", "1.0.0-BETA.x+sha", "1", "1.0.0--1", "1.0.0-2147483648", "01.002"} {
		f.Add(s, "1.0.0-beta.2", "1.0.0")
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		langFuzz(t, NuGet{}, true, a, b, c)
	})
}

var nugetBench = []string{"13.0.1", "6.0.0", "1.0.0-beta.2", "4.7.2", "1.0.0.1", "6.0.0-preview.7.21377.19", "5.0.0-rc.2.20475.5", "2.2.0"}

func BenchmarkNuGet(b *testing.B) { langBench(b, NuGet{}, nugetBench) }
