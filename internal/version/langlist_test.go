package version

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// Shared test helpers of the language schemes (semver, go, pep440, maven,
// gem, nuget, composer). Every name starts with "lang" to keep clear of
// the OS schemes' helpers.

// langCase is one ordering fact: a sorts before, equal to or after b.
type langCase struct {
	a, b string
	want int
}

// langCheckCases checks each case both ways round.
func langCheckCases(t *testing.T, s Scheme, cases []langCase) {
	t.Helper()
	for _, c := range cases {
		got, err := Compare(s, c.a, c.b)
		if err != nil {
			t.Errorf("%s: %v", s.Name(), err)
			continue
		}
		back, _ := Compare(s, c.b, c.a)
		if got != c.want || back != -c.want {
			t.Errorf("%s: Compare(%q, %q) = %d (reverse %d), want %d", s.Name(), c.a, c.b, got, back, c.want)
		}
	}
}

// langCheckOrder checks that the versions are listed in strictly
// increasing order, every pair of them.
func langCheckOrder(t *testing.T, s Scheme, vs []string) {
	t.Helper()
	var cases []langCase
	for i := range vs {
		for j := i + 1; j < len(vs); j++ {
			cases = append(cases, langCase{vs[i], vs[j], -1})
		}
	}
	langCheckCases(t, s, cases)
}

// langCheckInvalid checks that each string is refused with a ParseError
// naming the scheme and the input.
func langCheckInvalid(t *testing.T, s Scheme, strs []string) {
	t.Helper()
	for _, str := range strs {
		v, err := s.Parse(str)
		if err == nil {
			t.Errorf("%s: Parse(%q) = %q, want an error", s.Name(), str, v)
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Scheme != s.Name() || pe.Input != str || pe.Reason == "" {
			t.Errorf("%s: Parse(%q) error %#v does not name the scheme, input and reason", s.Name(), str, err)
		}
	}
}

// langFuzz checks the invariants of checkInvariants; transitivity only
// when the upstream ordering is transitive (Maven's is not).
func langFuzz(t *testing.T, s Scheme, transitive bool, strs ...string) {
	t.Helper()
	checkInvariants(t, s, transitive, strs...)
}

// langNoAllocs checks that Compare allocates nothing.
func langNoAllocs(t *testing.T, s Scheme, strs []string) {
	t.Helper()
	vs := langMustParse(t, s, strs)
	n := testing.AllocsPerRun(50, func() {
		for _, a := range vs {
			for _, b := range vs {
				a.Compare(b)
			}
		}
	})
	if n != 0 {
		t.Errorf("%s: Compare allocates %v times per run", s.Name(), n)
	}
}

func langMustParse(t testing.TB, s Scheme, strs []string) []Version {
	t.Helper()
	vs := make([]Version, len(strs))
	for i, str := range strs {
		v, err := s.Parse(str)
		if err != nil {
			t.Fatal(err)
		}
		vs[i] = v
	}
	return vs
}

// langBench benchmarks Parse and Compare on a set of real-looking versions.
func langBench(b *testing.B, s Scheme, strs []string) {
	b.Run("Parse", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := s.Parse(strs[i%len(strs)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Compare", func(b *testing.B) {
		vs := langMustParse(b, s, strs)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			vs[i%len(vs)].Compare(vs[(i/len(vs)+i)%len(vs)])
		}
	})
}

// langOracleSkip skips a comparison with a real implementation under
// -short: each starts an interpreter and reads large corpora.
func langOracleSkip(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("comparison with the upstream implementation: skipped with -short")
	}
}

// langUpstream returns a file fetched by test/testbed/upstream-vectors.sh,
// Unavailable when it is absent.
func langUpstream(t *testing.T, rel string) []byte {
	t.Helper()
	cache := os.Getenv("BULWARK_CI_CACHE")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "bulwark-ci")
	}
	path := filepath.Join(cache, "upstream", rel)
	b, err := os.ReadFile(path)
	if err != nil {
		testbed.Unavailable(t, "upstream test vectors", "not present (%v): run bash test/testbed/upstream-vectors.sh", err)
	}
	return b
}

// langVulndata returns every version an OSV export names: the events of
// its non-GIT ranges and its "versions" lists. It skips the test when the
// shared vulndata folder is absent. With packages, only the versions of
// those packages are returned.
func langVulndata(t *testing.T, eco string, packages ...string) []string {
	t.Helper()
	path := filepath.Join(testbed.Vulndata(t), eco, "all.zip")
	zr, err := zip.OpenReader(path)
	if err != nil {
		testbed.Unavailable(t, "vulndata", "not present at %s: %v", path, err)
	}
	defer zr.Close()
	var out []string
	for _, f := range zr.File {
		vs, err := langOSVVersions(f, packages)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, vs...)
	}
	return langClean(out)
}

// langOSV is the part of an OSV record that names versions.
type langOSV struct {
	Affected []struct {
		Package struct {
			Name string `json:"name"`
		} `json:"package"`
		Ranges []struct {
			Type   string              `json:"type"`
			Events []map[string]string `json:"events"`
		} `json:"ranges"`
		Versions []string `json:"versions"`
	} `json:"affected"`
}

func langOSVVersions(f *zip.File, packages []string) ([]string, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", f.Name, err)
	}
	defer rc.Close()
	var rec langOSV
	if err := json.NewDecoder(rc).Decode(&rec); err != nil {
		return nil, fmt.Errorf("decode %s: %w", f.Name, err)
	}
	var out []string
	for _, a := range rec.Affected {
		if packages != nil && !slices.Contains(packages, a.Package.Name) {
			continue
		}
		out = append(out, a.Versions...)
		for _, r := range a.Ranges {
			if r.Type == "GIT" {
				continue
			}
			for _, ev := range r.Events {
				for _, v := range ev {
					out = append(out, v)
				}
			}
		}
	}
	return out, nil
}

// langScalibr returns the versions named in one of osv-scalibr's
// semantic/testdata files ("a < b" lines built from OSV data and upstream
// test suites), read from the Go module cache; nil when it is not there.
func langScalibr(t *testing.T, name string) []string {
	t.Helper()
	var out []string
	for _, p := range langScalibrLines(t, name) {
		out = append(out, p.a, p.b)
	}
	return langClean(out)
}

// langScalibrLines reads the "a < b", "a = b", "a > b" lines of an
// osv-scalibr semantic/testdata file.
func langScalibrLines(t *testing.T, name string) []langCase {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return nil
	}
	dirs, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "github.com/google/osv-scalibr@*/semantic/testdata"))
	if len(dirs) == 0 {
		t.Logf("osv-scalibr is not in the Go module cache: its %s is not used", name)
		return nil
	}
	b, err := os.ReadFile(filepath.Join(dirs[len(dirs)-1], name))
	if err != nil {
		t.Logf("osv-scalibr testdata: %v", err)
		return nil
	}
	var cases []langCase
	for _, line := range strings.Split(string(b), "\n") {
		for op, want := range map[string]int{" < ": -1, " = ": 0, " > ": 1} {
			if a, b, ok := strings.Cut(line, op); ok && !strings.HasPrefix(line, "#") {
				cases = append(cases, langCase{strings.TrimSpace(a), strings.TrimSpace(b), want})
			}
		}
	}
	return cases
}

// langFiles returns the files matching any of the glob patterns.
func langFiles(patterns ...string) []string {
	var out []string
	for _, p := range patterns {
		m, _ := filepath.Glob(p)
		out = append(out, m...)
	}
	return out
}

// langClean sorts and deduplicates strs, keeping only those an oracle's
// line protocol can carry: valid UTF-8 without tabs or line breaks.
func langClean(strs []string) []string {
	out := make([]string, 0, len(strs))
	for _, s := range strs {
		if utf8.ValidString(s) && !strings.ContainsAny(s, "\t\n\r\x00") {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// langOracle is a real implementation run as a reference. Given lines
// "p\tV" it answers "ok" (optionally "ok\tNORMALIZED") or "err"; given
// "c\tA\tB" it answers -1, 0 or 1.
type langOracle func(t *testing.T, queries []string) []string

// langRun runs a command with the queries on stdin, one answer a line.
func langRun(t *testing.T, queries []string, env []string, name string, args ...string) []string {
	t.Helper()
	if len(queries) == 0 {
		return nil
	}
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(strings.Join(queries, "\n") + "\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v: %s", name, err, stderr.String())
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(queries) {
		t.Fatalf("%s answered %d lines to %d queries", name, len(lines), len(queries))
	}
	return lines
}

// langAcceptance asks the oracle which strings it accepts.
func langAcceptance(t *testing.T, o langOracle, strs []string) map[string]string {
	t.Helper()
	qs := make([]string, len(strs))
	for i, s := range strs {
		qs[i] = "p\t" + s
	}
	ok := map[string]string{}
	for i, a := range o(t, qs) {
		if a == "ok" || strings.HasPrefix(a, "ok\t") {
			ok[strs[i]] = strings.TrimPrefix(strings.TrimPrefix(a, "ok"), "\t")
		}
	}
	return ok
}

// langAgreement compares a scheme with an oracle on one corpus: which
// strings each accepts (a difference fails unless allowed says it is a
// documented one; detail is what the oracle said after "ok"), then the order of the strings both accept, sorted by
// the scheme: every adjacent pair and random pairs. It returns the
// versions both accept.
func langAgreement(t *testing.T, s Scheme, o langOracle, what string, corpus []string, random int, allowed func(str string, mine bool, detail string) bool) []string {
	t.Helper()
	corpus = langClean(corpus)
	theirs := langAcceptance(t, o, corpus)
	var both []Version
	mismatch, documented := 0, 0
	for _, str := range corpus {
		v, err := s.Parse(str)
		detail, ok := theirs[str]
		switch {
		case (err == nil) != ok && allowed != nil && allowed(str, err == nil, detail):
			documented++
		case (err == nil) != ok:
			mismatch++
			if mismatch <= 20 {
				t.Errorf("%s: %s accepts %q: %v, reference: %v", what, s.Name(), str, err == nil, ok)
			}
		case ok:
			both = append(both, v)
		}
	}
	slices.SortStableFunc(both, func(a, b Version) int { return a.Compare(b) })
	pairs := langPairs(both, random)
	qs := make([]string, len(pairs))
	for i, p := range pairs {
		qs[i] = "c\t" + p.a + "\t" + p.b
	}
	bad := 0
	for i, ans := range o(t, qs) {
		p := pairs[i]
		got, _ := Compare(s, p.a, p.b)
		if ans != fmt.Sprint(got) {
			bad++
			if bad <= 20 {
				t.Errorf("%s: Compare(%q, %q) = %d, reference says %s", what, p.a, p.b, got, ans)
			}
		}
	}
	adjacent := max(len(both)-1, 0)
	t.Logf("%s: %d strings; acceptance agrees on %d, %d documented differences, %d other; "+
		"%d pairs (%d adjacent after sorting, %d random): %d agree, %d disagree",
		what, len(corpus), len(corpus)-mismatch-documented, documented, mismatch,
		len(pairs), adjacent, len(pairs)-adjacent, len(pairs)-bad, bad)
	out := make([]string, len(both))
	for i, v := range both {
		out[i] = v.String()
	}
	return out
}

// langPairs returns the adjacent pairs of a sorted list and random pairs
// from it.
func langPairs(vs []Version, random int) []langCase {
	if len(vs) < 2 {
		return nil
	}
	var ps []langCase
	for i := 1; i < len(vs); i++ {
		ps = append(ps, langCase{a: vs[i-1].String(), b: vs[i].String()})
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for range random {
		ps = append(ps, langCase{a: vs[rng.IntN(len(vs))].String(), b: vs[rng.IntN(len(vs))].String()})
	}
	return ps
}

// langMutants derives version-like strings from real ones by splicing in
// pieces, deterministically, to reach corners real corpora do not.
func langMutants(seed uint64, n int, real, pieces []string) []string {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]string, 0, n)
	for range n {
		s := real[rng.IntN(len(real))]
		for k := rng.IntN(3); k >= 0; k-- {
			i := rng.IntN(len(s) + 1)
			j := min(len(s), i+rng.IntN(3))
			s = s[:i] + pieces[rng.IntN(len(pieces))] + s[j:]
		}
		out = append(out, s)
	}
	return out
}

// langLines reads a file's lines, or nil.
func langLines(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	return strings.Split(string(b), "\n")
}
