package version

import (
	"bufio"
	goversion "go/version"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

func TestGoCases(t *testing.T) {
	langCheckCases(t, Go{}, []langCase{
		{"v1.2.3", "1.2.3", 0},
		{"v1", "v1.0.0", 0}, // x/mod/semver's shorthands
		{"v1.2", "1.2.0", 0},
		{"v2.0.0+incompatible", "v2.0.0", 0},
		{"v0.0.0-20191109021931-daa7c04131f5", "v0.0.0", -1}, // pseudo-versions are prereleases
		{"v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3", 1},
		{"v0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20200101000000-000000000000", -1},
		{"0", "v0.0.0", 0}, // OSV's "introduced: 0"
		{"1.21.0-0", "1.21.0-rc.1", -1},
		// Toolchains, as the vulnerability database files them.
		{"go1.21rc2", "1.21.0-rc.2", 0},
		{"go1.22.3", "1.22.3", 0},
		{"go1.20", "1.20.0", 0},
		{"go1.20", "go1.20rc1", 1},
		{"go1.21", "go1.21.0", 0}, // go/version would say -1: "go1.21" is a language version there
		{"go1.21.3 X:boringcrypto", "1.21.3", 0},
		{"go1.21.3-bigcorp", "go1.21.3", 0},
		{"go1.9beta2", "go1.9rc1", -1},
		{"go1", "1.0.0", 0},
	})
}

func TestGoInvalid(t *testing.T) {
	langCheckInvalid(t, Go{}, []string{
		"", "v", "1.2.3.4", "v01.2.3", "v1.02.3", "v1.2.03", "v1.2-pre", "v1-pre", "1.2.3-01",
		"1.2.3-", "1.2.3+", "1.2.3-a..b", "go", "go1.21.3rc1", "go1.21RC1", "go01.2", "go1.21rc01",
		"devel go1.23-abcdef", "(devel)", "1.2.3 ",
	})
}

func TestGoNoAllocs(t *testing.T) {
	langNoAllocs(t, Go{}, []string{"v1.2.3", "1.2.3", "v0.0.0-20191109021931-daa7c04131f5", "go1.21rc2", "v2.0.0+incompatible"})
}

// goXMod builds a small program that answers with golang.org/x/mod/semver,
// the Go team's reference, taken from the copy the Go distribution vendors
// in $GOROOT/src/cmd/vendor, so that nothing is downloaded.
func goXMod(t *testing.T) langOracle {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(goEnv(t, "GOROOT"), "src/cmd/vendor/golang.org/x/mod/semver/semver.go"))
	if err != nil {
		testbed.Unavailable(t, "golang.org/x/mod/semver", "not vendored in this Go distribution: %v", err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"xmod/go.mod":           "module golang.org/x/mod\n\ngo 1.22\n",
		"xmod/semver/semver.go": string(src),
		"oracle/go.mod":         "module oracle\n\ngo 1.22\n\nrequire golang.org/x/mod v0.0.0\n\nreplace golang.org/x/mod => ../xmod\n",
		"oracle/main.go":        goXModMain,
	}
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "oracle", "oracle")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join(dir, "oracle")
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off", "GOTOOLCHAIN=local")
	if out, err := build.CombinedOutput(); err != nil {
		testbed.Unavailable(t, "golang.org/x/mod/semver", "cannot build the oracle: %v: %s", err, out)
	}
	return func(t *testing.T, qs []string) []string { return langRun(t, qs, nil, bin) }
}

const goXModMain = `package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/semver"
)

func v(s string) string {
	if strings.HasPrefix(s, "v") {
		return s
	}
	return "v" + s
}

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if f[0] == "p" {
			if semver.IsValid(v(f[1])) {
				fmt.Fprintln(w, "ok")
			} else {
				fmt.Fprintln(w, "err")
			}
			continue
		}
		fmt.Fprintln(w, semver.Compare(v(f[1]), v(f[2])))
	}
}
`

// goToolchainDocumented: toolchain versions ("go1.21.3") are not x/mod
// versions; Go reads them as go/version does, checked apart.
func goToolchainDocumented(str string, mine bool, _ string) bool {
	return mine && strings.HasPrefix(str, "go")
}

func TestGoAgainstXModSemver(t *testing.T) {
	langOracleSkip(t)
	xmod := goXMod(t)
	langAgreement(t, Go{}, xmod, "OSV Go (vulndb)", langVulndata(t, "Go"), 5000, goToolchainDocumented)
	langAgreement(t, Go{}, xmod, "Go module cache", goModCacheVersions(t), 2000, goToolchainDocumented)
	langAgreement(t, Go{}, xmod, "go version -m of installed binaries", goBuildInfoVersions(t), 1000, goToolchainDocumented)
}

func TestGoMutantsAgainstXModSemver(t *testing.T) {
	langOracleSkip(t)
	xmod := goXMod(t)
	pieces := []string{"0", "00", "01", "1", ".", ".0", "-", "+", "v", "a", "rc", "-0", "-01", ".x", "+incompatible",
		"-0.20191109021931-daa7c04131f5", "99999999999999999999", "..", "--", "++", "-rc.1", "go"}
	real := langVulndata(t, "Go")
	langAgreement(t, Go{}, xmod, "mutated vulndb versions", langMutants(2, 20000, real, pieces), 5000, goToolchainDocumented)
}

// goEnv returns a setting of the go command, Unavailable without it.
func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		testbed.Unavailable(t, "go", "go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// goModCacheVersions lists the module versions in the Go module cache's
// download directory (its @v/list files and the versions it holds).
func goModCacheVersions(t *testing.T) []string {
	t.Helper()
	var vs []string
	root := filepath.Join(goEnv(t, "GOMODCACHE"), "cache", "download")
	_ = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(filepath.Dir(path)) != "@v" {
			return nil
		}
		switch name := d.Name(); {
		case name == "list":
			vs = append(vs, langLines(path)...)
		case strings.HasSuffix(name, ".mod"):
			vs = append(vs, strings.TrimSuffix(name, ".mod"))
		}
		return nil
	})
	vs = slices.DeleteFunc(langClean(vs), func(v string) bool { return v == "" })
	if len(vs) < 2 {
		testbed.Unavailable(t, "Go module cache", "%s holds no versions", root)
	}
	return vs
}

// goBuildInfoVersions runs `go version -m` on the Go tools installed here
// and returns the toolchain and module versions it prints.
func goBuildInfoVersions(t *testing.T) []string {
	t.Helper()
	root := goEnv(t, "GOROOT")
	bins := langFiles(filepath.Join(root, "bin/*"), filepath.Join(root, "pkg/tool/*/*"), "/root/go/bin/*", "/root/.cache/bulwark-ci/bin/*")
	if len(bins) == 0 {
		testbed.Unavailable(t, "Go binaries", "none found")
	}
	out, err := exec.Command("go", append([]string{"version", "-m"}, bins...)...).Output()
	if err != nil && len(out) == 0 {
		testbed.Unavailable(t, "go", "go version -m: %v", err)
	}
	var vs []string
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) >= 2 && strings.HasSuffix(f[0], ":"):
			vs = append(vs, strings.Join(f[1:], " ")) // "go1.26.8" or "go1.21.3 X:boringcrypto"
		case len(f) >= 3 && (f[0] == "dep" || f[0] == "mod" || f[0] == "=>") && f[2] != "(devel)":
			vs = append(vs, f[2])
		}
	}
	return vs
}

// goToolchainName turns a standard library version of the vulnerability
// database back into the Go release's name: 1.21.0-rc.2 is go1.21rc2,
// 1.20.0 is go1.20 (names before Go 1.21 had no ".0"), 1.21.0 is go1.21.0.
func goToolchainName(v string) (string, bool) {
	num, pre, _ := strings.Cut(v, "-")
	parts := strings.Split(num, ".")
	if len(parts) != 3 || parts[0] != "1" {
		return "", false
	}
	minor := langCmpNum(parts[1], "21")
	switch {
	case pre != "":
		kind, n, ok := strings.Cut(pre, ".")
		if !ok || parts[2] != "0" {
			return "", false
		}
		return "go1." + parts[1] + kind + n, true
	case parts[2] == "0" && minor < 0:
		return "go1." + parts[1], true
	}
	return "go" + num, true
}

func TestGoToolchainAgainstGoVersion(t *testing.T) {
	langOracleSkip(t)
	var names []string
	for _, v := range langVulndata(t, "Go", "stdlib", "toolchain") {
		if n, ok := goToolchainName(v); ok {
			names = append(names, n)
			if c, err := Compare(Go{}, n, v); err != nil || c != 0 {
				t.Errorf("Compare(%q, %q) = %d, %v; want equal", n, v, c, err)
			}
		}
	}
	for _, v := range goBuildInfoVersions(t) {
		if strings.HasPrefix(v, "go") {
			names = append(names, v)
		}
	}
	names = langClean(append(names, runtime.Version(), "go1.21rc1", "go1.21rc2", "go1.9beta2", "go1.5alpha1", "go1"))
	vs := langMustParse(t, Go{}, names)
	pairs, bad := 0, 0
	for i, a := range vs {
		for j, b := range vs {
			if !goversion.IsValid(names[i]) || !goversion.IsValid(names[j]) {
				t.Fatalf("go/version rejects %q or %q", names[i], names[j])
			}
			pairs++
			if got, want := a.Compare(b), goversion.Compare(names[i], names[j]); got != want {
				bad++
				t.Errorf("Compare(%q, %q) = %d, go/version says %d", names[i], names[j], got, want)
			}
		}
	}
	t.Logf("Go toolchain names (%d from the vulnerability database and go version -m): %d pairs, %d agree with go/version, %d disagree",
		len(names), pairs, pairs-bad, bad)
}

func FuzzGo(f *testing.F) {
	for _, s := range []string{"v1.2.3", "1.2.3-rc.1+b", "0", "v0.0.0-20191109021931-daa7c04131f5", "v2.0.0+incompatible", "go1.21rc2", "go1.20", "v1.2"} {
		f.Add(s, "go1.21.3", "1.21.0-rc.2")
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		langFuzz(t, Go{}, true, a, b, c)
	})
}

var goBench = []string{"v1.2.3", "1.21.0-rc.2", "v0.0.0-20191109021931-daa7c04131f5", "v2.0.0+incompatible", "go1.22.3", "0.38.0", "v1.2.4-0.20191109021931-daa7c04131f5", "1.20.0"}

func BenchmarkGo(b *testing.B) { langBench(b, Go{}, goBench) }
