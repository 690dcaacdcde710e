package version

import (
	"bufio"
	"encoding/json"
	"errors"
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

func TestAPKParse(t *testing.T) {
	for _, in := range []string{"2.8.4-r0", "1.1.1d-r3", "6.1_p20190518-r0", "0.1.0_alpha_pre2", "0",
		"1.0.4.-r0", "2.7.16-33", "10.2.24.r0", "6.6.2p1-r0", "a", "-r1"} {
		v, err := APK{}.Parse(in)
		if err != nil || v.String() != in {
			t.Errorf("Parse(%q) = %v, %v", in, v, err)
		}
	}
	for in, problem := range map[string]string{"": "empty version", "1.0 -r1": "invalid character",
		"1.0\t": "invalid character", "1.0\x00": "invalid character", "1.0\xc3\xa9": "invalid character"} {
		var pe *ParseError
		if _, err := (APK{}).Parse(in); !errors.As(err, &pe) || pe.Reason != problem || pe.Input != in || pe.Scheme != "apk" {
			t.Errorf("Parse(%q) error = %v, want %q", in, err, problem)
		}
	}
}

// Cases from apk's documented rules, each checked with apk-tools 2.14.9's
// apk version -t (Alpine 3.22.1's), including the corners where apk-tools
// 2.10 (Alpine 3.10) differs, and from fuzzing.
func TestAPKCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0_rc1", "1.0", -1}, // 2.10 says >: its leading-zero bug
		{"6.0_pre1", "6.0", -1},
		{"6.1_pre1", "6.1", -1},
		{"6.0_p1", "6.0", 1},
		{"6.1_p1", "6.1", 1},
		{"1.0.0_pre20191002222144-r0", "1.0.0_pre20210530193627-r0", -1},
		{"1.0", "1.0_alpha", 1},
		{"1.1_alpha", "1.1", -1},
		{"1.0", "1.0-r0", -1},
		{"1.0-r1", "1.0-r01", 0},
		{"1.0_p1", "1.0", 1},
		{"1.0_git20200101", "1.0_p1", -1},
		{"1.0_cvs1", "1.0_svn1", -1},
		{"1.0_svn1", "1.0_git1", -1},
		{"1.0_hg1", "1.0_p1", -1},
		{"1.0_alpha_pre2", "1.0_alpha", -1},
		{"1.0a", "1.0", 1},
		{"1.0a", "1.0b", -1},
		{"1.0a", "1.0.1", -1},
		{"1.2.3", "1.2.3.0", -1},
		{"1.01", "1.1", -1},
		{"1.001", "1.01", -1},
		{"1.001", "1.0", -1},
		{"1.0", "1.01", -1},
		{"1.0", "1.00", 1},
		{"1.010", "1.09", 1},    // apk-tools 3 says <
		{"8.2.0", "8.2.001", 1}, // apk-tools 3 says <
		{"1.0.4.-r0", "1.0.4-r0", 1},
		{"2.7.16-33", "2.7.16-r33", 1},
		{"10.2.24.r0", "10.2.24-r0", 1},
		{"6.6.2p1-r0", "6.6.2_p1-r0", 1},
		{"1.0bc", "1.0bd", 0},
		{"1.0b", "1.0bc", -1},
		{"1_x", "1_alpha", 1},
		{"1-r", "1-r0", 0},
		{"1-r1-r2", "1-r1", 1},
		{"123456789012345678", "1", -1}, // 18 digits are too many
		{"12345678901234567", "1", 1},
		{"1.123456789012345678", "1.2", -1},
	}
	for _, tt := range tests {
		got, err := Compare(APK{}, tt.a, tt.b)
		if err != nil || got != tt.want {
			t.Errorf("Compare(%q, %q) = %d, %v; want %d", tt.a, tt.b, got, err, tt.want)
		}
		if back, _ := Compare(APK{}, tt.b, tt.a); back != -tt.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tt.b, tt.a, back, -tt.want)
		}
	}
}

// apkVectorsModule is a Go module that carries apk-tools' test/version.data
// byte for byte as of apk-tools commit 48930b9. The five comparisons the
// file has gained since are in TestAPKCompare; the ones apk-tools 3 added
// for its new leading-zero rule do not hold for 2.14. CI downloads the
// module with go mod download.
const apkVectorsModule = "github.com/knqyf263/go-apk-version@v0.0.0-20200609155635-041fdbb8563f"

// apkVectorLine is "a op b", optionally followed by a # comment.
var apkVectorLine = regexp.MustCompile(`^(\S+) ([<>=]) (\S+)\s*(?:#.*)?$`)

// TestAPKUpstream runs the checks of apk-tools' test/version.data.
func TestAPKUpstream(t *testing.T) {
	path := filepath.Join(apkModCache(), apkVectorsModule, "version.data")
	f, err := os.Open(path)
	if err != nil {
		testbed.Unavailable(t, "apk-tools version.data", "not found (go mod download %s): %v", apkVectorsModule, err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		m := apkVectorLine.FindStringSubmatch(sc.Text())
		if m == nil {
			t.Errorf("%s:%d: not understood: %q", path, line, sc.Text())
			continue
		}
		want := map[string]int{"<": -1, "=": 0, ">": 1}[m[2]]
		if got, err := Compare(APK{}, m[1], m[3]); err != nil || got != want {
			t.Errorf("%s:%d: Compare(%q, %q) = %d, %v; want %d", path, line, m[1], m[3], got, err, want)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if n < 728 {
		t.Fatalf("%s: only %d checks found, the file has 728", path, n)
	}
	t.Logf("version.data: %d checks pass", n)
}

// apkModCache returns the Go module cache directory.
func apkModCache() string {
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil && len(strings.TrimSpace(string(out))) > 0 {
		return strings.TrimSpace(string(out))
	}
	return filepath.Join(build.Default.GOPATH, "pkg", "mod")
}

// TestAPKCorpus sorts the versions of Alpine's secdb (v3.3 to v3.11) and
// of the packages installed in four Alpine minirootfs tarballs with
// Compare, checks the order is consistent, and checks the neighbours in
// that order and random pairs against apk itself.
func TestAPKCorpus(t *testing.T) {
	corpus := apkSecdbVersions(t, testbed.Vulndata(t))
	tarballs, _ := filepath.Glob(filepath.Join(testbed.Shared(t), "testbed/alpine/alpine-minirootfs-*-x86_64.tar.gz"))
	for _, tb := range tarballs {
		corpus = append(corpus, apkReadRootfs(t, tb)...)
	}
	vs := osParseAll(t, APK{}, corpus)
	if len(vs) < 1400 || len(tarballs) < 4 {
		t.Fatalf("only %d distinct versions, from %d tarballs", len(vs), len(tarballs))
	}
	t.Logf("%d distinct versions", len(vs))
	osCheckSorted(t, vs)
	ps := osPairs(vs, 600)
	apkOracle(t, ps)
	osAgree(t, APK{}, "secdb and installed versions", ps)
}

// TestAPKGenerated checks odd versions built from the pieces of the
// format against apk.
func TestAPKGenerated(t *testing.T) {
	strs := osGenerate(13, 700, []string{"0", "1", "2", "00", "01", "10", ".", ".", "a", "z", "_alpha", "_beta",
		"_pre", "_rc", "_p", "_cvs", "_svn", "_git", "_hg", "_x", "_", "-r", "-r1", "-", "A", "~", "123456789012345678"})
	ps := osGeneratedPairs(t, APK{}, strs)
	apkOracle(t, ps)
	osAgree(t, APK{}, "generated versions", ps)
}

// apkSecdbVersions reads the secfixes keys of Alpine's secdb files.
func apkSecdbVersions(t *testing.T, vulndata string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(vulndata, "alpine/v3.*/*.json"))
	if len(files) < 9 {
		t.Fatalf("only %d secdb files under %s/alpine", len(files), vulndata)
	}
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var db struct{ Packages json.RawMessage } // "" in a repository without packages
		var pkgs []struct {
			Pkg struct{ Secfixes map[string]json.RawMessage }
		}
		if err := json.Unmarshal(b, &db); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if string(db.Packages) == `""` {
			continue
		}
		if err := json.Unmarshal(db.Packages, &pkgs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, p := range pkgs {
			for v := range p.Pkg.Secfixes {
				out = append(out, v)
			}
		}
	}
	return out
}

// apkReadRootfs returns the versions (V: lines) of lib/apk/db/installed in
// an Alpine minirootfs tarball.
func apkReadRootfs(t *testing.T, tarball string) []string {
	t.Helper()
	var versions []string
	for _, line := range strings.Split(testbed.TarballFile(t, tarball, "lib/apk/db/installed"), "\n") {
		if v, ok := strings.CutPrefix(line, "V:"); ok {
			versions = append(versions, v)
		}
	}
	if len(versions) == 0 {
		t.Fatalf("%s: no installed package versions", tarball)
	}
	return versions
}

// apkOracle fills in want for every pair with apk version -t of Alpine
// 3.22.1's apk-tools 2.14.9 (testbed.AlpineAPK), several at a time.
func apkOracle(t *testing.T, ps []osPair) {
	t.Helper()
	testbed.Heavy(t) // one apk process per pair: a few seconds
	apk := testbed.AlpineAPK(t)
	var wg sync.WaitGroup
	next := make(chan int)
	errs := make(chan error, len(ps))
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				var err error
				if ps[i].want, err = apk.Compare(ps[i].a, ps[i].b); err != nil {
					errs <- err
				}
			}
		})
	}
	for i := range ps {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestAPKCompareAllocs(t *testing.T) {
	osCompareAllocs(t, APK{}, apkBench)
}

// apkBench is a handful of real versions for the benchmarks.
var apkBench = []string{"2.8.4-r0", "1.1.1d-r3", "6.1_p20190518-r0", "1.30.1-r2", "1.1.22-r3",
	"2.4.41-r0", "0.1.0_alpha_pre2", "3.9_pre20060124"}

func BenchmarkAPKCompare(b *testing.B) { osBenchCompare(b, APK{}, apkBench) }

func BenchmarkAPKParse(b *testing.B) { osBenchParse(b, APK{}, apkBench) }

func FuzzAPK(f *testing.F) {
	for _, s := range apkBench {
		f.Add(s, "1.0_rc1-r1", "1.0")
	}
	f.Add("1.0.4.-r0", "2.7.16-33", "10.2.24.r0")
	f.Add("1.001", "1.01", "1.0")
	f.Add("1_x", "1_alpha", "1-r1-r2")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		osInvariants(t, APK{}, a, b, c)
	})
}
