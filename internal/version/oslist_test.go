package version

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// Shared test helpers of the OS package schemes (dpkg, rpm, apk). Every
// name starts with "os" to keep clear of the language schemes' helpers.

// osUpstreamFile returns a file of an upstream source tree fetched by
// test/testbed/upstream-vectors.sh, Unavailable when it is absent.
func osUpstreamFile(t testing.TB, rel string) string {
	t.Helper()
	cache := os.Getenv("BULWARK_CI_CACHE")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			testbed.Unavailable(t, "home directory", "to find the upstream vectors in: %v", err)
		}
		cache = filepath.Join(home, ".cache", "bulwark-ci")
	}
	path := filepath.Join(cache, "upstream", rel)
	if _, err := os.Stat(path); err != nil {
		testbed.Unavailable(t, "upstream test vectors", "not present at %s: run bash test/testbed/upstream-vectors.sh", path)
	}
	return path
}

// osParseAll parses every string of a real corpus, failing on any that
// does not parse, and returns the distinct versions sorted by Compare.
func osParseAll(t testing.TB, s Scheme, corpus []string) []Version {
	t.Helper()
	slices.Sort(corpus)
	corpus = slices.Compact(corpus)
	vs := make([]Version, 0, len(corpus))
	for _, c := range corpus {
		v, err := s.Parse(c)
		if err != nil {
			t.Errorf("real %s version does not parse: %v", s.Name(), err)
			continue
		}
		vs = append(vs, v)
	}
	slices.SortStableFunc(vs, func(a, b Version) int { return a.Compare(b) })
	return vs
}

// osCheckSorted checks that Compare is a total preorder on a sorted
// corpus: every pair (all of them for small corpora, a sample otherwise)
// compares in the order of the slice, and in reverse the other way.
func osCheckSorted(t testing.TB, vs []Version) {
	t.Helper()
	check := func(i, j int) bool {
		if c, r := vs[i].Compare(vs[j]), vs[j].Compare(vs[i]); c > 0 || c != -r {
			t.Errorf("sorted corpus out of order: Compare(%q, %q) = %d, reverse %d", vs[i], vs[j], c, r)
			return false
		}
		return true
	}
	n := len(vs)
	if n <= 2500 {
		for i := range n {
			for j := i; j < n; j++ {
				if !check(i, j) {
					return
				}
			}
		}
		return
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2_000_000 {
		i, j := rng.IntN(n), rng.IntN(n)
		if !check(min(i, j), max(i, j)) {
			return
		}
	}
}

// osPair is two versions and the sign of their comparison by a reference.
type osPair struct {
	a, b string
	want int
}

// osPairs returns the adjacent pairs of a sorted corpus (those with
// different strings) and random pairs from it.
func osPairs(vs []Version, random int) []osPair {
	var ps []osPair
	for i := 1; i < len(vs); i++ {
		if a, b := vs[i-1].String(), vs[i].String(); a != b {
			ps = append(ps, osPair{a: a, b: b})
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range random {
		ps = append(ps, osPair{a: vs[rng.IntN(len(vs))].String(), b: vs[rng.IntN(len(vs))].String()})
	}
	return ps
}

// osAgree compares each pair with s and the reference's answer in want,
// logs the tally and fails on every disagreement.
func osAgree(t testing.TB, s Scheme, what string, ps []osPair) {
	t.Helper()
	bad := 0
	for _, p := range ps {
		got, err := Compare(s, p.a, p.b)
		if err != nil {
			t.Errorf("%s: %v", what, err)
			continue
		}
		if got != p.want {
			bad++
			if bad <= 20 {
				t.Errorf("%s: Compare(%q, %q) = %d, reference says %d", what, p.a, p.b, got, p.want)
			}
		}
	}
	t.Logf("%s: %d pairs, %d agree with the reference, %d disagree", what, len(ps), len(ps)-bad, bad)
}

// osSign maps a comparison result to -1, 0 or +1.
func osSign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// osGenerate builds n version-like strings from pieces, deterministically,
// to reach the corners of a scheme that real corpora do not.
func osGenerate(seed uint64, n int, pieces []string) []string {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	out := make([]string, 0, n)
	for range n {
		var b strings.Builder
		for k := 1 + rng.IntN(6); k > 0; k-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		out = append(out, b.String())
	}
	return out
}

// osGeneratedPairs parses the generated strings that s accepts and pairs
// them up: each with its neighbour in sorted order, and at random.
func osGeneratedPairs(t testing.TB, s Scheme, strs []string) []osPair {
	t.Helper()
	var ok []string
	for _, str := range strs {
		if _, err := s.Parse(str); err == nil {
			ok = append(ok, str)
		}
	}
	if len(ok) < len(strs)/10 {
		t.Fatalf("only %d of %d generated %s versions parse", len(ok), len(strs), s.Name())
	}
	return osPairs(osParseAll(t, s, ok), len(ok))
}

// osInvariants checks checkInvariants, transitivity included.
func osInvariants(t *testing.T, s Scheme, strs ...string) {
	t.Helper()
	checkInvariants(t, s, true, strs...)
}

// osMustParse parses s or fails the test.
func osMustParse(t testing.TB, s Scheme, str string) Version {
	t.Helper()
	v, err := s.Parse(str)
	if err != nil {
		t.Fatalf("Parse(%q): %v", str, err)
	}
	return v
}

// osCompareAllocs checks that comparing parsed versions allocates nothing.
func osCompareAllocs(t *testing.T, s Scheme, strs []string) {
	t.Helper()
	vs := make([]Version, len(strs))
	for i, str := range strs {
		vs[i] = osMustParse(t, s, str)
	}
	n := testing.AllocsPerRun(100, func() {
		for _, a := range vs {
			for _, b := range vs {
				a.Compare(b)
			}
		}
	})
	if n != 0 {
		t.Errorf("%s Compare allocates: %v allocations per run", s.Name(), n)
	}
}

// osBenchCompare benchmarks Compare over every pair of a small set.
func osBenchCompare(b *testing.B, s Scheme, strs []string) {
	vs := make([]Version, len(strs))
	for i, str := range strs {
		vs[i] = osMustParse(b, s, str)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		vs[i%len(vs)].Compare(vs[(i/len(vs))%len(vs)])
	}
}

// osBenchParse benchmarks Parse over a small set.
func osBenchParse(b *testing.B, s Scheme, strs []string) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := s.Parse(strs[i%len(strs)]); err != nil {
			b.Fatal(fmt.Errorf("bench input: %w", err))
		}
	}
}
