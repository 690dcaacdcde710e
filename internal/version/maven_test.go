package version

import (
	"archive/zip"
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

func TestMavenCases(t *testing.T) {
	// Orderings Maven's documentation ("Version Order Specification" of the
	// POM reference) gives as examples.
	langCheckCases(t, Maven{}, []langCase{
		{"1", "1.1", -1},
		{"1-snapshot", "1", -1},
		{"1-alpha", "1-beta", -1},
		{"1-sp", "1", 1},
		{"1-foo2", "1-foo10", -1},
		{"1.foo", "1-foo", 0},
		{"1-1", "1.1", -1},
		{"1.ga", "1", 0},
		{"1-ga", "1-final", 0},
		{"1-0", "1", 0},
		{"1-alpha-1", "1-alpha.1", -1}, // 1-alpha-1 is [1, [alpha, [1]]]
		{"1.0.0-RC1", "1.0.0-rc-1", 0},
		{"2.0.0.RELEASE", "2.0.0", 0},
		{"1.0-SNAPSHOT", "1.0-RC1", 1},
		{"0000000000.1", "0.1", 1}, // a 10-digit zero is a LongItem, after any IntItem
		{"", "0", 0},
	})
	// ComparableVersion is not transitive: Java's own main shows the cycle
	// 1.ga.1 < 1.0-rc-2 < 1.0.0.Final < 1.ga.1, and Compare keeps it.
	langCheckCases(t, Maven{}, []langCase{
		{"1.ga.1", "1.0-rc-2", -1},
		{"1.0-rc-2", "1.0.0.Final", -1},
		{"1.0.0.Final", "1.ga.1", -1},
	})
}

func TestMavenNoAllocs(t *testing.T) {
	langNoAllocs(t, Maven{}, []string{"1.0", "1.0-SNAPSHOT", "2.0.0.RELEASE", "1-alpha-1", "1.0.0.RC1", "123456789012345.1H.5-beta"})
}

func TestMavenInvalid(t *testing.T) {
	langCheckInvalid(t, Maven{}, []string{"1.0\xff"})
}

// mavenVectors are the ordering facts of Maven's own ComparableVersionTest:
// its arrays of versions in increasing order and its checkVersionsEqual,
// checkVersionsOrder and checkVersionsArrayEqual calls, with the string
// variables and loops of each test method resolved.
func mavenVectors(t *testing.T) (orders [][]string, cases []langCase) {
	t.Helper()
	src := string(langUpstream(t, "maven/maven-artifact/src/test/java/org/apache/maven/artifact/versioning/ComparableVersionTest.java"))
	arrays := map[string][]string{}
	for _, m := range regexp.MustCompile(`(?s)String\[\]\s+(\w+)\s*=\s*(?:new String\[\]\s*)?\{(.*?)\}`).FindAllStringSubmatch(src, -1) {
		arrays[m[1]] = mavenLiterals(m[2])
	}
	for _, name := range []string{"VERSIONS_QUALIFIER", "VERSIONS_NUMBER"} {
		orders = append(orders, arrays[name])
	}
	methods := regexp.MustCompile(`public void (test\w+)\(\)`).FindAllStringIndex(src, -1)
	for i, loc := range methods {
		end := len(src)
		if i+1 < len(methods) {
			end = methods[i+1][0]
		}
		cases = append(cases, mavenMethodCases(t, src[loc[0]:end], arrays)...)
	}
	return orders, cases
}

var mavenLiteral = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)

func mavenLiterals(s string) []string {
	var out []string
	for _, m := range mavenLiteral.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// mavenMethodCases reads the checks of one test method. Arguments are
// string literals, variables of the method, or concatenations of those
// with a for-each loop variable.
func mavenMethodCases(t *testing.T, body string, arrays map[string][]string) []langCase {
	t.Helper()
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`String (\w+) = ("(?:[^"\\]|\\.)*");`).FindAllStringSubmatch(body, -1) {
		vars[m[1]] = mavenLiterals(m[2])[0]
	}
	loopVals := []string{""}
	loopVar := ""
	if m := regexp.MustCompile(`for \( String (\w+) : new String\[\]\{([^}]*)\}`).FindStringSubmatch(body); m != nil {
		loopVar, loopVals = m[1], mavenLiterals(m[2])
	}
	eval := func(expr, x string) string {
		var b strings.Builder
		for _, term := range strings.Split(expr, "+") {
			term = strings.TrimSpace(term)
			switch {
			case strings.HasPrefix(term, `"`):
				b.WriteString(mavenLiterals(term)[0])
			case term == loopVar:
				b.WriteString(x)
			default:
				v, ok := vars[term]
				if !ok {
					t.Fatalf("ComparableVersionTest: unknown argument %q", term)
				}
				b.WriteString(v)
			}
		}
		return b.String()
	}
	var cases []langCase
	calls := regexp.MustCompile(`checkVersions(Equal|Order|ArrayEqual)\(\s*([^;]*?)\s*\);`).FindAllStringSubmatch(body, -1)
	for _, m := range calls {
		args := strings.Split(m[2], ",")
		for _, x := range loopVals {
			switch {
			case m[1] == "ArrayEqual":
				arr := arrays[strings.TrimSpace(m[2])]
				for _, v := range arr {
					cases = append(cases, langCase{arr[0], v, 0})
				}
			case len(args) == 2 && m[1] == "Equal":
				cases = append(cases, langCase{eval(args[0], x), eval(args[1], x), 0})
			case len(args) == 2:
				cases = append(cases, langCase{eval(args[0], x), eval(args[1], x), -1})
			}
		}
	}
	return cases
}

func TestMavenUpstreamVectors(t *testing.T) {
	orders, cases := mavenVectors(t)
	n := 0
	for _, o := range orders {
		if len(o) < 20 {
			t.Fatalf("ComparableVersionTest: an ordered array has only %d versions: %q", len(o), o)
		}
		langCheckOrder(t, Maven{}, o)
		n += len(o) * (len(o) - 1) / 2
	}
	// 80 checks in the file at maven 3.8.7, 36 of them in testMng7644's
	// loop, and 38 versions in the two leading-zero arrays.
	if len(cases) < 150 {
		t.Fatalf("ComparableVersionTest: only %d equal/order checks found", len(cases))
	}
	langCheckCases(t, Maven{}, cases)
	t.Logf("ComparableVersionTest: %d ordered arrays (%d pairs) and %d equal/order checks", len(orders), n, len(cases))
}

// mavenCanonical prints items as ComparableVersion.getCanonical does.
func mavenCanonical(items []mavenItem) string {
	var b strings.Builder
	for i, it := range items {
		if it.kind == mavenList {
			sub := mavenCanonical(items[i+1:])
			if b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteString(sub)
			break
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(it.text)
	}
	return b.String()
}

// mavenJava runs ComparableVersion's main, which prints each argument's
// canonical form and compares each argument with the one before it.
func mavenJava(t *testing.T) langOracle {
	t.Helper()
	jar := ""
	for _, j := range []string{"/usr/share/java/maven3-artifact.jar", "/usr/share/java/maven-artifact-3.x.jar", "/usr/share/maven-repo/org/apache/maven/maven-artifact/3.x/maven-artifact-3.x.jar"} {
		if _, err := os.Stat(j); err == nil {
			jar = j
			break
		}
	}
	if jar == "" {
		testbed.Unavailable(t, "maven-artifact", "jar not found: apt-get install libmaven3-core-java default-jre-headless")
	}
	if _, err := exec.LookPath("java"); err != nil {
		testbed.Unavailable(t, "java", "not found: apt-get install default-jre-headless")
	}
	run := func(t *testing.T, args []string) []string {
		cmd := exec.Command("java", append([]string{"-cp", jar, "org.apache.maven.artifact.versioning.ComparableVersion"}, args...)...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("java ComparableVersion: %v", err)
		}
		return strings.Split(string(out), "\n")
	}
	return func(t *testing.T, qs []string) []string {
		answers := make([]string, len(qs))
		for start := 0; start < len(qs); {
			end, size := start, 0
			for end < len(qs) && end-start < 10000 && size < 400000 {
				size += len(qs[end])
				end++
			}
			mavenJavaBatch(t, run, qs[start:end], answers[start:end])
			start = end
		}
		return answers
	}
}

// mavenJavaBatch answers queries of one kind at a time: "p" queries from
// the canonical forms, "c" queries from the comparisons of arguments
// passed in pairs.
func mavenJavaBatch(t *testing.T, run func(*testing.T, []string) []string, qs, answers []string) {
	var args []string
	for _, q := range qs {
		f := strings.Split(q, "\t")
		args = append(args, f[1:]...)
	}
	lines := run(t, args)
	var canon, cmps []string
	for _, l := range lines {
		if strings.HasPrefix(l, "   ") {
			cmps = append(cmps, l)
		} else if _, rest, ok := strings.Cut(l, ". "); ok && l[0] >= '0' && l[0] <= '9' {
			canon = append(canon, rest)
		}
	}
	if len(canon) != len(args) {
		t.Fatalf("java ComparableVersion printed %d versions for %d arguments", len(canon), len(args))
	}
	for i, q := range qs {
		if q[0] == 'p' {
			v := args[i]
			c := strings.TrimPrefix(canon[i], v+" -> ")
			c, _, _ = strings.Cut(c, "; tokens: ")
			answers[i] = "ok\t" + c
			continue
		}
		a, b := args[2*i], args[2*i+1]
		op := strings.TrimSuffix(strings.TrimPrefix(cmps[2*i], "   "+a+" "), " "+b)
		answers[i] = map[string]string{"<": "-1", "==": "0", ">": "1"}[op]
	}
}

// mavenJavaQueries sends only queries of one kind per batch, as
// mavenJavaBatch needs.
func mavenJavaQueries(o langOracle) langOracle {
	return func(t *testing.T, qs []string) []string {
		if len(qs) > 0 && qs[0][0] == 'c' {
			for _, q := range qs {
				if q[0] != 'c' {
					t.Fatal("mixed queries")
				}
			}
		}
		return o(t, qs)
	}
}

// mavenCorpus is every version string found on this machine: the Debian
// Maven repository's version directories and the pom.properties of
// installed jars.
func mavenCorpus(t *testing.T) []string {
	t.Helper()
	var vs []string
	_ = filepath.WalkDir("/usr/share/maven-repo", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".pom") {
			vs = append(vs, filepath.Base(filepath.Dir(path)))
		}
		return nil
	})
	for _, jar := range langFiles("/usr/share/java/*.jar", "/usr/share/maven-repo/*/*/*/*.jar") {
		vs = append(vs, mavenJarVersions(jar)...)
	}
	return vs
}

func mavenJarVersions(path string) []string {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil
	}
	defer zr.Close()
	var vs []string
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, "/pom.properties") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(rc)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "version="); ok {
				vs = append(vs, strings.TrimSpace(v))
			}
		}
		rc.Close()
	}
	return vs
}

// mavenAgree compares with Java: canonical forms, then order.
func mavenAgree(t *testing.T, java langOracle, what string, corpus []string, random int) {
	t.Helper()
	var clean []string
	for _, s := range langClean(corpus) {
		if s != "" && !strings.ContainsAny(s, " ;") {
			clean = append(clean, s)
		}
	}
	canon := langAcceptance(t, java, clean)
	bad := 0
	for _, s := range clean {
		v, err := Maven{}.Parse(s)
		if err != nil {
			t.Errorf("%s: %v", what, err)
			continue
		}
		if got := mavenCanonical(v.(*mavenVersion).items); got != canon[s] {
			bad++
			if bad <= 20 {
				t.Errorf("%s: canonical(%q) = %q, Java says %q", what, s, got, canon[s])
			}
		}
	}
	t.Logf("%s: canonical forms of %d strings: %d agree with Java, %d differ", what, len(clean), len(clean)-bad, bad)
	langAgreement(t, Maven{}, java, what, clean, random, nil)
}

func TestMavenAgainstComparableVersion(t *testing.T) {
	langOracleSkip(t)
	java := mavenJavaQueries(mavenJava(t))
	mavenAgree(t, java, "Maven versions installed here", mavenCorpus(t), 2000)
	for _, f := range []string{"maven-versions.txt", "maven-versions-generated.txt"} {
		if sc := langScalibr(t, f); sc != nil {
			mavenAgree(t, java, "osv-scalibr "+f, sc, 3000)
		}
	}
	var other []string
	for _, eco := range []string{"PyPI", "Go", "crates.io", "Bitnami"} {
		other = append(other, langVulndata(t, eco)...)
	}
	mavenAgree(t, java, "OSV PyPI, Go, crates.io and Bitnami versions read as Maven", other, 3000)
	orders, cases := mavenVectors(t)
	var vecs []string
	for _, o := range orders {
		vecs = append(vecs, o...)
	}
	for _, c := range cases {
		vecs = append(vecs, c.a, c.b)
	}
	mavenAgree(t, java, "ComparableVersionTest's versions", vecs, 1000)
}

func TestMavenMutantsAgainstComparableVersion(t *testing.T) {
	langOracleSkip(t)
	java := mavenJavaQueries(mavenJava(t))
	real := append(mavenCorpus(t), "1.0.0-RC1", "2.0.0.Final", "1-alpha-1-SNAPSHOT")
	pieces := []string{"0", "00", "1", "0000000000", "1234567890123456789", ".", "-", "..", "--", "-0", ".0", "a", "b", "m", "A",
		"alpha", "beta", "milestone", "rc", "cr", "snapshot", "ga", "final", "release", "sp", "x", "RC", "Final", "SNAPSHOT", "_", "+"}
	mavenAgree(t, java, "mutated Maven versions", langMutants(4, 12000, real, pieces), 4000)
}

func FuzzMaven(f *testing.F) {
	for _, s := range []string{"1.0", "1.0-SNAPSHOT", "1-0.alpha", "1.0.0.RC1", "0000000000.1", "1--1", "1.ga.1", "", "-"} {
		f.Add(s, "1.0-rc-2", "1.0.0.Final")
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		langFuzz(t, Maven{}, false, a, b, c)
	})
}

var mavenBench = []string{"1.0", "2.13.4.2", "1.0-SNAPSHOT", "5.3.20.RELEASE", "31.1-jre", "1.0.0-RC1", "2.0.0.Final", "3.8.7"}

func BenchmarkMaven(b *testing.B) { langBench(b, Maven{}, mavenBench) }
