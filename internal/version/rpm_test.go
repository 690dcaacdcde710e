package version

import (
	"archive/zip"
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

func TestRPMParse(t *testing.T) {
	tests := []struct {
		in, epoch, version, release, problem string
		hasRelease                           bool
	}{
		{in: "1:3.0.7-18.el9_2", epoch: "1", version: "3.0.7", release: "18.el9_2", hasRelease: true},
		{in: "6.4.1-9.el9_1", epoch: "0", version: "6.4.1", release: "9.el9_1", hasRelease: true},
		{in: "1:0.1.15-2.git2d0b8a3.module_el8.5.0+119+9a9ec082", epoch: "1", version: "0.1.15",
			release: "2.git2d0b8a3.module_el8.5.0+119+9a9ec082", hasRelease: true},
		{in: "1.0", epoch: "0", version: "1.0"},
		{in: ":1.0", epoch: "0", version: "1.0"}, // rpm reads an empty epoch as 0
		{in: "1a:2-3", epoch: "0", version: "1a:2", release: "3", hasRelease: true},
		{in: "1.0-2-3", epoch: "0", version: "1.0-2", release: "3", hasRelease: true},
		{in: "0010:1^git1~rc1", epoch: "0010", version: "1^git1~rc1"},
		{in: "", problem: "empty version"},
		{in: "1:", problem: "empty version"},
		{in: "-1", problem: "empty version"},
		{in: "1:-1", problem: "empty version"},
		{in: "1.0-", problem: "empty release"},
		{in: "1.0 -1", problem: "invalid character"},
		{in: "1.0\x00", problem: "invalid character"},
		{in: "1.1.\xce\xb1", problem: "invalid character"},
	}
	for _, tt := range tests {
		v, err := RPM{}.Parse(tt.in)
		if tt.problem != "" {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Reason != tt.problem || pe.Input != tt.in || pe.Scheme != "rpm" {
				t.Errorf("Parse(%q) error = %v, want %q", tt.in, err, tt.problem)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		r := v.(*rpmVersion)
		if r.epoch != tt.epoch || r.version != tt.version || r.release != tt.release || r.hasRelease != tt.hasRelease || r.String() != tt.in {
			t.Errorf("Parse(%q) = %q %q %q %v", tt.in, r.epoch, r.version, r.release, r.hasRelease)
		}
	}
}

// Cases from rpm's documented rules and from fuzzing.
func TestRPMCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1:3.0.7-18.el9_2", "3.0.7-18.el9_2", 1},
		{"0:1.0-1", "1.0-1", 0},
		{"00:1.0", "0:1.0", 0},
		{"10:1", "9:2", 1},
		{"6.4.1-9.el9_1", "6.4.1-9.el9_2", -1},
		{"6.4.1-10.el9", "6.4.1-9.el9", 1},
		{"1.0", "1.0-1", -1}, // no release sorts first, as rpm 4.18's rpmverCmp
		{"1.0~rc1-1", "1.0-1", -1},
		{"1.0^git1-1", "1.0-1", 1},
		{"1.0^git1", "1.0.1", -1},
		{"1.0-1.el9", "1.0-1.el9_0", -1},
		{"1.0a", "1.0", 1},
		{"1.0", "1.0.", 0},
		{"1.0~", "1.0", -1},
		{"a", "1", -1},
		{"1.0001", "1.1", 0},
		{"99999999999999999999", "100000000000000000000", -1},
	}
	for _, tt := range tests {
		got, err := Compare(RPM{}, tt.a, tt.b)
		if err != nil || got != tt.want {
			t.Errorf("Compare(%q, %q) = %d, %v; want %d", tt.a, tt.b, got, err, tt.want)
		}
		if back, _ := Compare(RPM{}, tt.b, tt.a); back != -tt.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tt.b, tt.a, back, -tt.want)
		}
	}
}

// rpmVercmpLine is one RPMVERCMP(a, b, result) check of rpm's test suite;
// the ones commented out with dnl document behaviour rpm does not promise.
var rpmVercmpLine = regexp.MustCompile(`^RPMVERCMP\((.*), (.*), (-?[01])\)$`)

// TestRPMUpstream runs the checks of rpm's tests/rpmvercmp.at.
func TestRPMUpstream(t *testing.T) {
	path := osUpstreamFile(t, "rpm/tests/rpmvercmp.at")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		m := rpmVercmpLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		want, _ := strconv.Atoi(m[3])
		if got, err := Compare(RPM{}, m[1], m[2]); err != nil || got != want {
			t.Errorf("%s:%d: Compare(%q, %q) = %d, %v; want %d", path, line, m[1], m[2], got, err, want)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if n < 91 { // bookworm's rpm 4.18.0 has 91
		t.Fatalf("%s: only %d RPMVERCMP checks found", path, n)
	}
	t.Logf("rpmvercmp.at: %d checks pass", n)
}

// TestRPMCorpus sorts the fixed versions of AlmaLinux's OSV records with
// Compare, checks the order is consistent, and checks the neighbours in
// that order and random pairs against rpm itself.
func TestRPMCorpus(t *testing.T) {
	corpus := rpmAlmaFixed(t, filepath.Join(testbed.Vulndata(t), "AlmaLinux/all.zip"))
	vs := osParseAll(t, RPM{}, corpus)
	if len(vs) < 9000 {
		t.Fatalf("only %d distinct fixed versions in AlmaLinux/all.zip", len(vs))
	}
	t.Logf("%d distinct fixed versions", len(vs))
	osCheckSorted(t, vs)
	ps := osPairs(vs, 3000)
	rpmOracle(t, ps)
	osAgree(t, RPM{}, "AlmaLinux fixed versions", ps)
}

// TestRPMGenerated checks odd versions built from the pieces of the
// format against rpm.
func TestRPMGenerated(t *testing.T) {
	strs := osGenerate(12, 6000, []string{"0", "1", "2", "9", "10", "007", "a", "b", "Z", "aa", "rc", "git",
		"~", "^", ".", "_", "+", "-", ":", "1:", "el9_2"})
	ps := osGeneratedPairs(t, RPM{}, strs)
	rpmOracle(t, ps)
	osAgree(t, RPM{}, "generated versions", ps)
}

// rpmAlmaFixed reads the "fixed" events of every record in an OSV zip.
func rpmAlmaFixed(t *testing.T, path string) []string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []string
	for _, f := range zr.File {
		var rec struct {
			Affected []struct {
				Ranges []struct {
					Events []struct{ Fixed string }
				}
			}
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &rec); err != nil {
			t.Fatalf("%s in %s: %v", f.Name, path, err)
		}
		for _, a := range rec.Affected {
			for _, r := range a.Ranges {
				for _, e := range r.Events {
					if e.Fixed != "" {
						out = append(out, e.Fixed)
					}
				}
			}
		}
	}
	return out
}

// rpmOracle fills in want for every pair with rpm.vercmp, all in one lua
// chunk run by rpm --eval.
func rpmOracle(t *testing.T, ps []osPair) {
	t.Helper()
	if _, err := exec.LookPath("rpm"); err != nil {
		testbed.Unavailable(t, "rpm", "needed as the reference (apt-get install rpm)")
	}
	path := filepath.Join(t.TempDir(), "pairs")
	var in strings.Builder
	for _, p := range ps {
		in.WriteString(p.a + "\t" + p.b + "\n")
	}
	if err := os.WriteFile(path, []byte(in.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	lua := "%{lua: for line in io.lines('" + path + "') do " +
		"local a, b = line:match('^(.-)\\t(.*)$'); io.write(rpm.vercmp(a, b), '\\n') end}"
	out, err := exec.Command("rpm", "--eval", lua).Output()
	if err != nil {
		t.Fatalf("rpm --eval: %v", err)
	}
	lines := strings.Fields(string(out))
	if len(lines) != len(ps) {
		t.Fatalf("rpm answered %d of %d pairs", len(lines), len(ps))
	}
	for i := range ps {
		n, _ := strconv.Atoi(lines[i])
		ps[i].want = osSign(n)
	}
}

func TestRPMCompareAllocs(t *testing.T) {
	osCompareAllocs(t, RPM{}, rpmBench)
}

// rpmBench is a handful of real versions for the benchmarks.
var rpmBench = []string{"1:3.0.7-18.el9_2", "6.4.1-9.el9_1", "1:0.1.15-2.git2d0b8a3.module_el8.5.0+119+9a9ec082",
	"2.9.13-2.el9", "32:9.16.23-11.el9_2.2", "1.0^git1~rc1-1", "4.18.0-477.13.1.el8_8"}

func BenchmarkRPMCompare(b *testing.B) { osBenchCompare(b, RPM{}, rpmBench) }

func BenchmarkRPMParse(b *testing.B) { osBenchParse(b, RPM{}, rpmBench) }

func FuzzRPM(f *testing.F) {
	for _, s := range rpmBench {
		f.Add(s, "1.0~rc1-1", "1:0")
	}
	f.Add("1.0", "1.0-1", "1.0^")
	f.Add("a+", "_a", "+_")
	f.Add(":1", "1a:2-3", "10.0001")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		osInvariants(t, RPM{}, a, b, c)
	})
}
