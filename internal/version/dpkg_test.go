package version

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

func TestDpkgParse(t *testing.T) {
	tests := []struct {
		in                          string
		epoch                       int
		upstream, revision, problem string
	}{
		{in: "1.0", upstream: "1.0"},
		{in: "2:1.20.11-1+deb11u6", epoch: 2, upstream: "1.20.11", revision: "1+deb11u6"},
		{in: "4.14.5+94-ge49571868d-1", upstream: "4.14.5+94-ge49571868d", revision: "1"},
		{in: "1:2:3-4-5", epoch: 1, upstream: "2:3-4", revision: "5"},
		{in: " \t1.0-1\t ", upstream: "1.0", revision: "1"},
		{in: "1.0\n", problem: "invalid character in version number"},
		{in: "+1:0", epoch: 1, upstream: "0"},
		{in: "-0:0", upstream: "0"},
		{in: "2147483647:0", epoch: 2147483647, upstream: "0"},
		{in: "abc-1", upstream: "abc", revision: "1"}, // dpkg warns, then compares
		{in: "~1", upstream: "~1"},
		{in: "", problem: "version string is empty"},
		{in: " \t", problem: "version string is empty"},
		{in: "1.0 1", problem: "version string has embedded spaces"},
		{in: ":1", problem: "epoch in version is empty"},
		{in: "+-1:1", problem: "epoch in version is empty"},
		{in: "1a:1", problem: "epoch in version is not number"},
		{in: "-1:1", problem: "epoch in version is negative"},
		{in: "2147483648:0", problem: "epoch in version is too big"},
		{in: "-99999999999999999999:0", problem: "epoch in version is negative"},
		{in: "1:", problem: "nothing after colon in version number"},
		{in: "1.0-", problem: "revision number is empty"},
		{in: "-1", problem: "version number is empty"},
		{in: "1:-1", problem: "version number is empty"},
		{in: "1.0_1", problem: "invalid character in version number"},
		{in: "!1", problem: "invalid character in version number"},
		{in: "1.0\xc3\xa9", problem: "invalid character in version number"},
		{in: "0:1.0-1:2", problem: "invalid character in revision number"},
		{in: "1.0-1_2", problem: "invalid character in revision number"},
	}
	for _, tt := range tests {
		v, err := Dpkg{}.Parse(tt.in)
		if tt.problem != "" {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Reason != tt.problem || pe.Input != tt.in || pe.Scheme != "dpkg" {
				t.Errorf("Parse(%q) error = %v, want %q", tt.in, err, tt.problem)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		d := v.(*dpkgVersion)
		if d.epoch != tt.epoch || d.upstream != tt.upstream || d.revision != tt.revision || d.String() != tt.in {
			t.Errorf("Parse(%q) = %d %q %q %q", tt.in, d.epoch, d.upstream, d.revision, d.String())
		}
	}
}

// Cases from Debian Policy 5.6.12 and from fuzzing.
func TestDpkgCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0~rc1", "1.0", -1},
		{"1.0~~", "1.0~~a", -1},
		{"1.0~~a", "1.0~", -1},
		{"1.0~", "1.0", -1},
		{"1.0", "1.0a", -1},
		{"1.0a", "1.0+", -1},
		{"1.0", "1.0.1", -1},
		{"1.0", "1.0-0", 0},
		{"0:1.0", "1.0", 0},
		{"1.010", "1.10", 0},
		{"1.0-1", "1.0-1~bpo1", 1},
		{"1:0.1", "2.0", 1},
		{"2.7.4+reloaded2-13+deb9u1", "2.7.4+reloaded2-13", 1},
		{"1.2.3-1", "1.2.3-1.1", -1},
		{"9", "10", -1},
		{"1.0.99999999999999999999999", "1.0.100000000000000000000000", -1},
		{"1a", "1A", 1},
		{"1.", "1", 1},
		{"1-1", "1-1.", -1},
	}
	for _, tt := range tests {
		got, err := Compare(Dpkg{}, tt.a, tt.b)
		if err != nil || got != tt.want {
			t.Errorf("Compare(%q, %q) = %d, %v; want %d", tt.a, tt.b, got, err, tt.want)
		}
		if back, _ := Compare(Dpkg{}, tt.b, tt.a); back != -tt.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tt.b, tt.a, back, -tt.want)
		}
	}
}

// TestDpkgUpstream runs the expectations of dpkg's own test,
// lib/dpkg/t/t-version.c.
func TestDpkgUpstream(t *testing.T) {
	path := osUpstreamFile(t, "dpkg/lib/dpkg/t/t-version.c")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := &dpkgVectorRun{t: t, file: path}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		r.line++
		r.statement(strings.TrimSpace(sc.Text()))
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	// dpkg 1.21.22's file: 30 comparisons, 16 relations, 80 parse checks
	// (17 accepted, 13 refused, 49 invalid characters in two loops, 1 more).
	if r.compares < 30 || r.relates < 16 || r.parses < 80 {
		t.Fatalf("%s: only %d comparisons, %d relations and %d parse checks understood",
			path, r.compares, r.relates, r.parses)
	}
	t.Logf("t-version.c: %d comparisons, %d relations, %d parse checks pass",
		r.compares, r.relates, r.parses)
}

// dpkgVectorRun interprets the statements of t-version.c that set the
// versions a and b and check them: comparisons, relations and parses.
type dpkgVectorRun struct {
	t                         *testing.T
	file                      string
	line                      int
	a, b                      dpkgVersion
	pending                   []string // inputs parseversion must refuse
	loopChars, template       string   // the invalid-character loops
	loopIndex                 int
	compares, relates, parses int
}

var (
	dpkgBlankRe  = regexp.MustCompile(`^dpkg_version_blank\(&([ab])\);`)
	dpkgEpochSet = regexp.MustCompile(`^([ab])\.epoch = (\d+);`)
	dpkgObject   = regexp.MustCompile(`^([ab](?: = [ab])*) = DPKG_VERSION_OBJECT\((\d+), "(.*)", "(.*)"\);`)
	dpkgCmp      = regexp.MustCompile(`^test_(pass|fail)\(dpkg_version_compare\(&([ab]), &([ab])\) (==|<|>) 0\);`)
	dpkgRelate   = regexp.MustCompile(`^test_(pass|fail)\(dpkg_version_relate\(&([ab]), DPKG_RELATION_(\w+), &([ab])\)\);`)
	dpkgParseStr = regexp.MustCompile(`^test_(pass|fail)\(parseversion\(&a, ("(?:[^"\\]|\\.)*"|verstr), (?:NULL|&err)\) (==|!=) 0\);`)
	dpkgVerstr   = regexp.MustCompile(`^verstr = test_alloc\(strdup\(("(?:[^"\\]|\\.)*")\)\);`)
	dpkgLoop     = regexp.MustCompile(`^for \(p = ("(?:[^"\\]|\\.)*"); \*p; p\+\+\) \{`)
	dpkgLoopSet  = regexp.MustCompile(`^verstr\[(\d+)\] = \*p;`)
	dpkgVerdict  = regexp.MustCompile(`^test_(error|warn)\(err\);`)
)

func (r *dpkgVectorRun) statement(s string) {
	switch {
	case dpkgBlankRe.MatchString(s):
		*r.ref(dpkgBlankRe.FindStringSubmatch(s)[1]) = dpkgVersion{}
	case dpkgEpochSet.MatchString(s):
		m := dpkgEpochSet.FindStringSubmatch(s)
		r.ref(m[1]).epoch, _ = strconv.Atoi(m[2])
	case dpkgObject.MatchString(s):
		m := dpkgObject.FindStringSubmatch(s)
		epoch, _ := strconv.Atoi(m[2])
		for _, name := range strings.Split(m[1], " = ") {
			*r.ref(name) = dpkgVersion{epoch: epoch, upstream: r.unquote(`"` + m[3] + `"`), revision: r.unquote(`"` + m[4] + `"`)}
		}
	case dpkgCmp.MatchString(s):
		m := dpkgCmp.FindStringSubmatch(s)
		c := r.ref(m[2]).Compare(r.ref(m[3]))
		r.expect(m[1] == "pass", map[string]bool{"==": c == 0, "<": c < 0, ">": c > 0}[m[4]], s)
		r.compares++
	case dpkgRelate.MatchString(s):
		m := dpkgRelate.FindStringSubmatch(s)
		c := r.ref(m[2]).Compare(r.ref(m[4]))
		holds, known := map[string]bool{"NONE": true, "EQ": c == 0, "LT": c < 0, "LE": c <= 0, "GT": c > 0, "GE": c >= 0}[m[3]]
		if !known {
			r.t.Fatalf("%s:%d: unknown relation in %s", r.file, r.line, s)
		}
		r.expect(m[1] == "pass", holds, s)
		r.relates++
	case dpkgParseStr.MatchString(s):
		r.parse(dpkgParseStr.FindStringSubmatch(s))
	case dpkgVerstr.MatchString(s):
		r.template = r.unquote(dpkgVerstr.FindStringSubmatch(s)[1])
	case dpkgLoop.MatchString(s):
		r.loopChars = r.unquote(dpkgLoop.FindStringSubmatch(s)[1])
	case dpkgLoopSet.MatchString(s):
		r.loopIndex, _ = strconv.Atoi(dpkgLoopSet.FindStringSubmatch(s)[1])
	case s == "}":
		r.loopChars = ""
	case dpkgVerdict.MatchString(s):
		r.verdict(dpkgVerdict.FindStringSubmatch(s)[1])
	}
}

// parse handles parseversion(&a, input, ...) ==/!= 0 under test_pass or
// test_fail: a success sets a, a failure waits for test_error/test_warn.
func (r *dpkgVectorRun) parse(m []string) {
	inputs := []string{}
	if m[2] != "verstr" {
		inputs = append(inputs, r.unquote(m[2]))
	} else {
		for _, c := range []byte(r.loopChars) {
			in := []byte(r.template)
			in[r.loopIndex] = c
			inputs = append(inputs, string(in))
		}
	}
	if ok := (m[1] == "pass") == (m[3] == "=="); !ok {
		r.pending = append(r.pending, inputs...)
		return
	}
	for _, in := range inputs {
		v, err := Dpkg{}.Parse(in)
		if err != nil {
			r.t.Errorf("%s:%d: dpkg parses %q, Parse: %v", r.file, r.line, in, err)
			continue
		}
		r.a = *v.(*dpkgVersion)
		r.parses++
	}
}

// verdict checks the pending refused inputs: dpkg errors must be parse
// errors; of dpkg's warnings, an invalid character is one too, while an
// upstream version not starting with a digit is accepted.
func (r *dpkgVectorRun) verdict(kind string) {
	for _, in := range r.pending {
		v, err := Dpkg{}.Parse(in)
		var pe *ParseError
		switch {
		case kind == "error" && err == nil:
			r.t.Errorf("%s:%d: dpkg refuses %q, Parse accepts it", r.file, r.line, in)
		case kind == "warn" && errors.As(err, &pe) && !strings.HasPrefix(pe.Reason, "invalid character"):
			r.t.Errorf("%s:%d: dpkg only warns about %q, Parse: %v", r.file, r.line, in, err)
		case kind == "warn" && err == nil && dpkgDigit(v.(*dpkgVersion).upstream[0]):
			r.t.Errorf("%s:%d: dpkg warns about %q, Parse accepts it", r.file, r.line, in)
		}
		r.parses++
	}
	r.pending = nil
}

func (r *dpkgVectorRun) expect(pass, holds bool, s string) {
	if pass != holds {
		r.t.Errorf("%s:%d: %s does not hold for a=%+v b=%+v", r.file, r.line, s, r.a, r.b)
	}
}

func (r *dpkgVectorRun) ref(name string) *dpkgVersion {
	if name == "a" {
		return &r.a
	}
	return &r.b
}

// unquote reads a C string literal (the file's literals use only the
// escapes Go shares, plus raw tabs).
func (r *dpkgVectorRun) unquote(lit string) string {
	s, err := strconv.Unquote(strings.ReplaceAll(lit, "\t", `\t`))
	if err != nil {
		r.t.Fatalf("%s:%d: string literal %s: %v", r.file, r.line, lit, err)
	}
	return s
}

// TestDpkgCorpus sorts the versions of the Debian security tracker's DSA
// and DLA lists and of a bookworm dpkg status file with Compare, checks
// the order is consistent, and checks the neighbours in that order and
// random pairs against apt and dpkg.
func TestDpkgCorpus(t *testing.T) {
	corpus := dpkgTrackerVersions(t, testbed.Vulndata(t))
	t.Run("status", func(t *testing.T) {
		corpus = append(corpus, dpkgStatusVersions(t, filepath.Join(testbed.DebianLangsRootfs(t), "var/lib/dpkg/status"))...)
	})
	vs := osParseAll(t, Dpkg{}, corpus)
	if len(vs) < 9000 {
		t.Fatalf("only %d distinct versions in the tracker lists and status file", len(vs))
	}
	t.Logf("%d distinct versions from %d lines", len(vs), len(corpus))
	osCheckSorted(t, vs)
	ps := osPairs(vs, 3000)
	dpkgOracle(t, ps)
	osAgree(t, Dpkg{}, "tracker and status versions", ps)
}

// TestDpkgGenerated checks odd versions built from the pieces of the
// format against apt and dpkg.
func TestDpkgGenerated(t *testing.T) {
	strs := osGenerate(11, 6000, []string{"0", "1", "2", "9", "10", "00", "01", "a", "b", "z", "A", "Z",
		"~", "~~", "+", ".", "-", ":", "1:", "-1", "~a", "+b"})
	kept := strs[:0]
	for _, s := range strs {
		if s[0] != '-' && s[0] != '+' { // signed epochs: see TestDpkgParse
			kept = append(kept, s)
		}
	}
	ps := osGeneratedPairs(t, Dpkg{}, kept)
	dpkgOracle(t, ps)
	osAgree(t, Dpkg{}, "generated versions", ps)
}

// TestDpkgParseRefusals checks what Parse refuses against what dpkg
// refuses, with the same reasons, on odd strings built from pieces.
func TestDpkgParseRefusals(t *testing.T) {
	if _, err := exec.LookPath("dpkg"); err != nil {
		testbed.Unavailable(t, "dpkg", "needed as the reference")
	}
	strs := osGenerate(14, 800, []string{"0", "1", "a", ".", "-", ":", "+", "~", "-1", "1:", "-0:", "+1:",
		"2147483648:", "99999999999999999999:", " ", "\t", "_", "!", "\xc3\xa9", "\n"})
	counts := map[string]int{}
	for _, s := range strs {
		out, _ := exec.Command("dpkg", "--compare-versions", "--", s, "eq", "0").CombinedOutput()
		_, dpkgSays, _ := strings.Cut(string(out), "has bad syntax: ")
		dpkgSays = strings.TrimSpace(dpkgSays)
		reason := ""
		var pe *ParseError
		if _, err := (Dpkg{}).Parse(s); errors.As(err, &pe) {
			reason = pe.Reason
		}
		switch {
		case reason == dpkgSays:
		case dpkgSays == "version number does not start with digit" && reason == "":
		case dpkgSays == "version number does not start with digit" && strings.HasPrefix(reason, "invalid character"):
			// dpkg stops at its first warning; the invalid character comes after
		default:
			t.Errorf("Parse(%q) refuses with %q, dpkg with %q", s, reason, dpkgSays)
		}
		counts[dpkgSays]++
	}
	t.Logf("%d strings, dpkg's verdicts: %v", len(strs), counts)
}

// dpkgTrackerVersions reads the fixed versions of lines such as
// "\t[bullseye] - xorg-server 2:1.20.11-1+deb11u6" in DSA/list and DLA/list.
func dpkgTrackerVersions(t *testing.T, vulndata string) []string {
	t.Helper()
	var out []string
	for _, list := range []string{"DSA/list", "DLA/list"} {
		b, err := os.ReadFile(filepath.Join(vulndata, "debian/data", list))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if strings.HasPrefix(line, "\t[") && len(f) >= 4 && f[1] == "-" && dpkgDigit(f[3][0]) {
				out = append(out, f[3])
			}
		}
	}
	return out
}

// dpkgStatusVersions reads the Version: fields of a dpkg status file.
func dpkgStatusVersions(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Version: "); ok {
			out = append(out, v)
		}
	}
	if len(out) < 100 {
		t.Fatalf("%s: only %d Version fields", path, len(out))
	}
	return out
}

// dpkgAptScript compares the tab-separated pairs on stdin with apt_pkg.
const dpkgAptScript = `
import sys, apt_pkg
apt_pkg.init_system()
for line in sys.stdin.read().splitlines():
    a, b = line.split("\t")
    c = apt_pkg.version_compare(a, b)
    print((c > 0) - (c < 0))
`

// dpkgOracle fills in want for every pair from python3-apt in one batch,
// then asks dpkg --compare-versions itself about every pair where apt and
// Compare differ, and about a sample of the others.
func dpkgOracle(t *testing.T, ps []osPair) {
	t.Helper()
	var in strings.Builder
	for _, p := range ps {
		in.WriteString(p.a + "\t" + p.b + "\n")
	}
	cmd := exec.Command("/usr/bin/python3", "-c", dpkgAptScript)
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		testbed.Unavailable(t, "python3-apt", "needed as the dpkg reference (apt-get install python3-apt): %v", err)
	}
	lines := strings.Fields(string(out))
	if len(lines) != len(ps) {
		t.Fatalf("apt_pkg answered %d of %d pairs", len(lines), len(ps))
	}
	asked, aptWrong := 0, 0
	for i := range ps {
		ps[i].want, _ = strconv.Atoi(lines[i])
		got, _ := Compare(Dpkg{}, ps[i].a, ps[i].b)
		if got == ps[i].want && i%10 != 0 {
			continue
		}
		if w, ok := dpkgCLI(t, ps[i].a, ps[i].b); ok {
			asked++
			if w != ps[i].want {
				aptWrong++
			}
			ps[i].want = w
		}
	}
	t.Logf("asked dpkg --compare-versions about %d pairs; apt_pkg differed from dpkg on %d", asked, aptWrong)
}

// dpkgCLI compares a and b with dpkg --compare-versions.
func dpkgCLI(t *testing.T, a, b string) (int, bool) {
	t.Helper()
	if _, err := exec.LookPath("dpkg"); err != nil {
		return 0, false
	}
	for _, rel := range []struct {
		op   string
		sign int
	}{{"lt", -1}, {"gt", 1}, {"eq", 0}} {
		err := exec.Command("dpkg", "--compare-versions", "--", a, rel.op, b).Run()
		if err == nil {
			return rel.sign, true
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Fatalf("dpkg --compare-versions %q %s %q: %v", a, rel.op, b, err)
		}
	}
	t.Fatalf("dpkg says %q is neither lt, gt nor eq %q", a, b)
	return 0, false
}

func TestDpkgCompareAllocs(t *testing.T) {
	osCompareAllocs(t, Dpkg{}, dpkgBench)
}

// dpkgBench is a handful of real versions for the benchmarks.
var dpkgBench = []string{"2:1.20.11-1+deb11u6", "1.20.11-1", "111.0.5563.110-1~deb11u1",
	"4.14.5+94-ge49571868d-1", "2.4.56-1~deb11u1", "1:9.16.37-1~deb11u1", "20190114+really20220913-0+deb10u1"}

func BenchmarkDpkgCompare(b *testing.B) { osBenchCompare(b, Dpkg{}, dpkgBench) }

func BenchmarkDpkgParse(b *testing.B) { osBenchParse(b, Dpkg{}, dpkgBench) }

func FuzzDpkg(f *testing.F) {
	for _, s := range dpkgBench {
		f.Add(s, "1.0~rc1-1", "1:0")
	}
	f.Add("1.0", "1.0-0", "0:1.0")
	f.Add("1.0~~", "1.0~", "1.0+")
	f.Add(" 1:2:3-4-5\t", "2147483647:0", "abc")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		osInvariants(t, Dpkg{}, a, b, c)
	})
}
