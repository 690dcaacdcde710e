package vulndb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/bulwarksec/bulwark/internal/testbed"
	"github.com/bulwarksec/bulwark/internal/version"
)

// secdbTestFiles lists the real secdb files, each as its YAML and JSON
// forms without extension.
func secdbTestFiles(t testing.TB) []string {
	t.Helper()
	feedFile(t, "alpine/v3.11/main.yaml") // skips when the data is absent
	dirs, err := filepath.Glob(filepath.Join(testbed.Vulndata(t), "alpine", "v3.*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range dirs {
		for _, repo := range []string{"main", "community"} {
			out = append(out, filepath.Join("alpine", filepath.Base(d), repo))
		}
	}
	if len(out) < 18 {
		t.Fatalf("found %d secdb files, want 18 (v3.3 to v3.11, main and community)", len(out))
	}
	return out
}

// secdbTestID is the test's own idea of an ID, written apart from the
// parser's.
var (
	secdbTestCVE   = regexp.MustCompile(`^CVE-\d{4}-\d{4,}$`)
	secdbTestOther = regexp.MustCompile(`^[A-Za-z]+(-[A-Za-z0-9]+)*-\d+$`)
)

func secdbTestIsID(tok string) bool {
	if strings.HasPrefix(tok, "CVE-") {
		return secdbTestCVE.MatchString(tok)
	}
	return secdbTestOther.MatchString(tok)
}

// secdbTestPlain is a secdb file as the Python converter wrote it to JSON:
// every scalar a string, and "" where the YAML had an empty value.
type secdbTestPlain struct {
	DistroVersion string
	Packages      []secdbTestPkg
}

type secdbTestPkg struct {
	Name     string
	Secfixes map[string][]string
}

// secdbTestRead reads the converter's JSON with encoding/json alone.
func secdbTestRead(t *testing.T, data []byte) secdbTestPlain {
	t.Helper()
	var raw struct {
		DistroVersion string          `json:"distroversion"`
		Packages      json.RawMessage `json:"packages"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	plain := secdbTestPlain{DistroVersion: raw.DistroVersion}
	var pkgs []struct {
		Pkg struct {
			Name     string                     `json:"name"`
			Secfixes map[string]json.RawMessage `json:"secfixes"`
		} `json:"pkg"`
	}
	if string(raw.Packages) == `""` {
		return plain
	}
	if err := json.Unmarshal(raw.Packages, &pkgs); err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		tp := secdbTestPkg{Name: p.Pkg.Name, Secfixes: map[string][]string{}}
		for ver, list := range p.Pkg.Secfixes {
			var ids []string
			if string(list) != `""` {
				if err := json.Unmarshal(list, &ids); err != nil {
					t.Fatalf("%s %s: %v", p.Pkg.Name, ver, err)
				}
			}
			tp.Secfixes[ver] = ids
		}
		plain.Packages = append(plain.Packages, tp)
	}
	return plain
}

// TestAlpineSecDBRealFiles reads every real secdb file in both forms: the
// YAML and the JSON of a release give identical Advisories, and every ID of
// every secfixes version of every package (read here with encoding/json
// and the test's own ID pattern) is accounted for: an Affected fixed at
// that version (or at the lowest of the versions naming it), nothing for
// version "0", and a bad entry for every string with words that are not
// IDs.
func TestAlpineSecDBRealFiles(t *testing.T) {
	apk := version.Lookup("apk")
	for _, base := range secdbTestFiles(t) {
		t.Run(base, func(t *testing.T) {
			yamlAdvs, yamlBad := secdbTestParse(t, base+".yaml")
			jsonData := feedFile(t, base+".json")
			jsonAdvs, jsonBad := secdbTestParse(t, base+".json")
			if !reflect.DeepEqual(yamlAdvs, jsonAdvs) {
				t.Errorf("YAML and JSON give different advisories (%d vs %d)", len(yamlAdvs), len(jsonAdvs))
			}
			if len(yamlBad) != len(jsonBad) {
				t.Errorf("YAML has %d bad entries, JSON %d", len(yamlBad), len(jsonBad))
			}
			plain := secdbTestRead(t, jsonData)
			want, badStrings := secdbTestExpect(plain)
			got := map[string]*Affected{}
			for _, a := range jsonAdvs {
				if len(a.Affected) == 0 || !reflect.DeepEqual(a.Aliases, []string{strings.TrimPrefix(a.ID, "ALPINE-")}) {
					t.Errorf("%s: aliases %v, %d affected", a.ID, a.Aliases, len(a.Affected))
				}
				for i, af := range a.Affected {
					if af.Ecosystem != "Alpine:"+plain.DistroVersion {
						t.Errorf("%s: ecosystem %q", a.ID, af.Ecosystem)
					}
					got[a.ID+" "+af.Name] = &a.Affected[i]
				}
			}
			if len(got) != len(want) {
				t.Errorf("%d (ID, package) pairs, the file has %d", len(got), len(want))
			}
			for key, fixes := range want {
				af := got[key]
				if af == nil {
					t.Errorf("%s: missing", key)
					continue
				}
				fixed := trackerFixed(af)
				if !slices.Contains(fixes, fixed) {
					t.Errorf("%s: fixed %q, the file says %v", key, fixed, fixes)
				}
				if low := secdbTestLowest(apk, fixes); apk != nil && low != "" && fixed != low {
					t.Errorf("%s: fixed %q, lowest of %v is %q", key, fixed, fixes, low)
				}
			}
			if len(jsonBad) != badStrings {
				t.Errorf("%d bad entries, the file has %d strings with words that are not IDs", len(jsonBad), badStrings)
			}
			t.Logf("%d advisories, %d (ID, package) pairs, %d bad entries", len(jsonAdvs), len(got), len(jsonBad))
		})
	}
	if apk == nil {
		t.Log("the apk scheme is not registered in internal/version: the lowest-fix choice was not checked on real data")
	}
}

func secdbTestParse(t *testing.T, rel string) ([]Advisory, []error) {
	t.Helper()
	advs, bad, err := ParseAlpineSecDB(bytes.NewReader(feedFile(t, rel)), rel)
	if err != nil {
		t.Fatal(err)
	}
	entryLines(t, bad)
	return advs, bad
}

// secdbTestExpect lists, per "ALPINE-<ID> <package>", the versions that
// fix it, and counts the strings holding a word that is not an ID.
func secdbTestExpect(plain secdbTestPlain) (map[string][]string, int) {
	want := map[string][]string{}
	bad := 0
	for _, p := range plain.Packages {
		for ver, list := range p.Secfixes {
			if ver == "0" {
				continue
			}
			for _, s := range list {
				junk := strings.TrimSpace(s) == ""
				for _, tok := range strings.Fields(s) {
					if !secdbTestIsID(tok) {
						junk = true
						continue
					}
					key := "ALPINE-" + tok + " " + p.Name
					if !slices.Contains(want[key], ver) {
						want[key] = append(want[key], ver)
					}
				}
				if junk {
					bad++
				}
			}
		}
	}
	return want, bad
}

// secdbTestLowest is the lowest of fixes by the apk scheme, or "" when
// one does not parse.
func secdbTestLowest(apk version.Scheme, fixes []string) string {
	if apk == nil {
		return ""
	}
	var low version.Version
	for _, f := range fixes {
		v, err := apk.Parse(f)
		if err != nil {
			return ""
		}
		if low == nil || v.Compare(low) < 0 {
			low = v
		}
	}
	return low.String()
}

// TestAlpineSecDBSpotChecks compares records with the text of the real
// files (quoted in each case).
func TestAlpineSecDBSpotChecks(t *testing.T) {
	aff := func(eco, name, fixed string) []Affected {
		return []Affected{{Ecosystem: eco, Name: name, Ranges: []Range{{Type: "ECOSYSTEM", Events: []Event{{Introduced: "0"}, {Fixed: fixed}}}}}}
	}
	for _, tc := range []struct {
		file string
		want Advisory
	}{
		// v3.11/main.yaml: ansible secfixes "2.9.3-r0: [CVE-2019-14904, CVE-2019-14905]"
		{"alpine/v3.11/main", Advisory{ID: "ALPINE-CVE-2019-14904", Aliases: []string{"CVE-2019-14904"}, Source: "alpine-secdb",
			Affected: aff("Alpine:v3.11", "ansible", "2.9.3-r0")}},
		// v3.11/main.yaml: xen "4.10-1-r1: [CVE-2018-8897 XSA-260, ...]", two IDs in one string.
		{"alpine/v3.11/main", Advisory{ID: "ALPINE-XSA-260", Aliases: []string{"XSA-260"}, Source: "alpine-secdb",
			Affected: aff("Alpine:v3.11", "xen", "4.10-1-r1")}},
		{"alpine/v3.11/main", Advisory{ID: "ALPINE-CVE-2018-8897", Aliases: []string{"CVE-2018-8897"}, Source: "alpine-secdb",
			Affected: aff("Alpine:v3.11", "xen", "4.10-1-r1")}},
		// v3.8/main.yaml: dbus "1.10.28-r0: [CVE-2019-12749]", a version that YAML could read as a number.
		{"alpine/v3.8/main", Advisory{ID: "ALPINE-CVE-2019-12749", Aliases: []string{"CVE-2019-12749"}, Source: "alpine-secdb",
			Affected: aff("Alpine:v3.8", "dbus", "1.10.28-r0")}},
	} {
		for _, ext := range []string{".yaml", ".json"} {
			advs, _ := secdbTestParse(t, tc.file+ext)
			if got := secdbTestFind(advs, tc.want.ID); got == nil || !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("%s%s %s:\n got %+v\nwant %+v", tc.file, ext, tc.want.ID, got, tc.want)
			}
		}
	}
	// v3.10/community.yaml: wireshark names CVE-2017-15191 under 2.4.2-r0
	// and again, later, under 2.2.10-r0: the lower fix is kept when the apk
	// scheme can tell which it is, else the first.
	want := "2.4.2-r0"
	if version.Lookup("apk") != nil {
		want = "2.2.10-r0"
	}
	for _, ext := range []string{".yaml", ".json"} {
		advs, _ := secdbTestParse(t, "alpine/v3.10/community"+ext)
		if got := secdbTestFind(advs, "ALPINE-CVE-2017-15191"); got == nil || len(got.Affected) != 1 || trackerFixed(&got.Affected[0]) != want {
			t.Errorf("%s wireshark CVE-2017-15191: %+v, want fixed %s", ext, got, want)
		}
	}
	// v3.8/main.yaml: db secfixes "0": [CVE-2016-0682, ...], never affected.
	advs, _ := secdbTestParse(t, "alpine/v3.8/main.yaml")
	if got := secdbTestFind(advs, "ALPINE-CVE-2016-0682"); got != nil {
		t.Errorf("version \"0\" gave %+v", got)
	}
}

func secdbTestFind(advs []Advisory, id string) *Advisory {
	for i := range advs {
		if advs[i].ID == id {
			return &advs[i]
		}
	}
	return nil
}

// secdbTestScheme orders versions as plain integers: enough to check that
// the lowest fix is kept, without the apk scheme.
type secdbTestScheme struct{}

type secdbTestVersion int

func (secdbTestScheme) Name() string { return "int" }

func (secdbTestScheme) Parse(s string) (version.Version, error) {
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || fmt.Sprint(n) != s {
		return nil, errors.New("not an integer")
	}
	return secdbTestVersion(n), nil
}

func (v secdbTestVersion) Compare(o version.Version) int {
	return int(v) - int(o.(secdbTestVersion))
}

func (v secdbTestVersion) String() string { return fmt.Sprint(int(v)) }

func TestAlpineSecDBLowestFix(t *testing.T) {
	for _, tc := range []struct {
		fixes []string
		want  string
	}{
		{[]string{"10", "9"}, "9"},
		{[]string{"9", "10"}, "9"},
		{[]string{"12", "x", "11"}, "11"}, // a fix the scheme cannot read never wins
		{[]string{"x", "12"}, "12"},
		{[]string{"x", "y"}, "x"},
	} {
		b := &secdbBuilder{name: "t", eco: "Alpine:v3.20", scheme: secdbTestScheme{}, index: map[string]int{}}
		for _, f := range tc.fixes {
			b.add("CVE-2020-1234", "pkg", f)
		}
		if got := trackerFixed(&b.advs[0].Affected[0]); got != tc.want || len(b.advs) != 1 || len(b.advs[0].Affected) != 1 {
			t.Errorf("fixes %v: kept %q in %+v, want %q", tc.fixes, got, b.advs, tc.want)
		}
	}
	b := &secdbBuilder{name: "t", eco: "Alpine:v3.20", index: map[string]int{}}
	b.add("CVE-2020-1234", "pkg", "10")
	b.add("CVE-2020-1234", "pkg", "9")
	if got := trackerFixed(&b.advs[0].Affected[0]); got != "10" {
		t.Errorf("without a scheme kept %q, want the first fix", got)
	}
}

// TestAlpineSecDBForms covers small and hostile inputs.
func TestAlpineSecDBForms(t *testing.T) {
	yamlHead := "distroversion: v3.20\nreponame: main\npackages:\n"
	jsonFix := func(pkgs string) string { return `{"distroversion": "v3.20", "packages": [` + pkgs + `]}` }
	for _, tc := range []struct {
		name  string
		in    string
		fixed map[string]string // "ID package" -> fixed
		bad   []string
		err   string
	}{
		{name: "yaml numbers stay text", in: yamlHead + "  - pkg:\n      name: p\n      secfixes:\n        1.10:\n          - CVE-2020-0001\n        010:\n          - CVE-2020-0002\n",
			fixed: map[string]string{"ALPINE-CVE-2020-0001 p": "1.10", "ALPINE-CVE-2020-0002 p": "010"}},
		{name: "json", in: jsonFix(`{"pkg": {"name": "p", "secfixes": {"1.10": ["CVE-2020-0001 XSA-1"], "0": ["CVE-2020-0002"]}}}`),
			fixed: map[string]string{"ALPINE-CVE-2020-0001 p": "1.10", "ALPINE-XSA-1 p": "1.10"}},
		{name: "two packages", in: jsonFix(`{"pkg": {"name": "p", "secfixes": {"1": ["CVE-2020-0001"]}}}, {"pkg": {"name": "q", "secfixes": {"2": ["CVE-2020-0001"]}}}`),
			fixed: map[string]string{"ALPINE-CVE-2020-0001 p": "1", "ALPINE-CVE-2020-0001 q": "2"}},
		{name: "junk words", in: jsonFix(`{"pkg": {"name": "p", "secfixes": {"1": ["CVE-2017-1234 (garbage)", "CVE_2019-2426", "CVE 2018-16859", "CVE-2017-17434-1", "   "]}}}`),
			fixed: map[string]string{"ALPINE-CVE-2017-1234 p": "1"},
			bad:   []string{`p 1: not an ID: "(garbage)"`, "CVE_2019-2426", `"CVE 2018-16859"`, "CVE-2017-17434-1", `not an ID: ""`}},
		{name: "ids of many kinds", in: jsonFix(`{"pkg": {"name": "p", "secfixes": {"1": ["GHSA-xvch-5gv4-984h ZBX-11023 TALOS-2017-0499 wnpa-sec-2017-21"]}}}`),
			fixed: map[string]string{"ALPINE-GHSA-xvch-5gv4-984h p": "1", "ALPINE-ZBX-11023 p": "1", "ALPINE-TALOS-2017-0499 p": "1", "ALPINE-wnpa-sec-2017-21 p": "1"}},
		{name: "wrong types", in: jsonFix(`{"pkg": {"name": "p", "secfixes": {"1": [12345, {"a": 1}, null, true], "2": null, "3": "CVE-2020-0001", "4": []}}}, {"pkg": []}, {"pkg": {"name": ""}}, {"pkg": {"name": "q", "secfixes": [1]}}, null`),
			bad: []string{`not an ID: "12345"`, "not a string", `not an ID: ""`, `not an ID: "true"`, "p 3: not a list of IDs",
				"packages[1]: no pkg mapping", "packages[2]: no package name", "q: secfixes is not a mapping", "packages[4]: no pkg mapping"}},
		{name: "packages not a list", in: `{"distroversion": "v3.20", "packages": {"a": 1}}`, bad: []string{"packages: not a list"}},
		{name: "no packages", in: `{"distroversion": "v3.20", "packages": null}`},
		{name: "empty packages as converted", in: `{"distroversion": "v3.20", "packages": ""}`},
		{name: "bad version key", in: yamlHead + "  - pkg:\n      name: p\n      secfixes:\n        \"1 2\":\n          - CVE-2020-0001\n", bad: []string{`bad fixed version "1 2"`}},
		{name: "no distroversion", in: `{"packages": []}`, err: "no distroversion"},
		{name: "top level list", in: `- a`, err: "not a mapping"},
		{name: "empty", in: ``, err: "empty document"},
		{name: "binary", in: "\x00\x01\xff\xfe{{", err: "not YAML"},
		{name: "json garbage", in: `{"distroversion": v3}`, err: "no distroversion (JSON breaks off at line 1: invalid character 'v'"},
		{name: "json cut at once", in: `{`, err: "no distroversion (JSON breaks off at line 1: unexpected EOF)"},
		{name: "json not an object", in: ` {]`, err: "JSON breaks off at line 1: invalid character ']'"},
		{name: "json with BOM", in: "\ufeff" + jsonFix(`{"pkg": {"name": "p", "secfixes": {"1": ["CVE-2020-0001"]}}}`),
			fixed: map[string]string{"ALPINE-CVE-2020-0001 p": "1"}},
		{name: "truncated json", in: jsonFix(`{"pkg": {"name": "p", "secfixes": {"1": ["CVE-2020-0001"]}}}, {"pkg": {"name": "q", "secfixes": {"2": ["CVE-2020-00`),
			fixed: map[string]string{"ALPINE-CVE-2020-0001 p": "1"}, bad: []string{"JSON breaks off at line 1: unexpected EOF"}},
		{name: "json cut in a name", in: jsonFix(`{"pkg": {"name": "p", "secfixes": {"1": ["CVE-2020-0001"]}}}, {"pkg": {"name": "q`),
			fixed: map[string]string{"ALPINE-CVE-2020-0001 p": "1"}, bad: []string{"packages[1]: no package name", "JSON breaks off"}},
		{name: "json trailing data", in: jsonFix(``) + `{}`, bad: []string{"more after the document"}},
		{name: "deep json", in: `{"distroversion": "v3.20", "packages": ` + strings.Repeat("[", 200000), bad: []string{"packages[0]: no pkg mapping", "nested deeper than 32"}},
		{name: "deep yaml", in: "distroversion: v3.20\npackages: " + strings.Repeat("[", 200000), err: "not YAML"},
		{name: "yaml alias bomb", in: "distroversion: v3.20\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\npackages:\n  - pkg:\n      name: p\n      secfixes: *c\n",
			bad: []string{"secfixes is not a mapping"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			advs, bad, err := ParseAlpineSecDB(strings.NewReader(tc.in), "secdb")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "secdb") {
					t.Fatalf("err %v, want one naming the file and saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, a := range advs {
				for _, af := range a.Affected {
					got[a.ID+" "+af.Name] = trackerFixed(&af)
				}
			}
			if len(got) != 0 || len(tc.fixed) != 0 {
				if !reflect.DeepEqual(got, tc.fixed) {
					t.Errorf("fixed %v, want %v", got, tc.fixed)
				}
			}
			if len(bad) != len(tc.bad) {
				t.Fatalf("bad entries %q, want %d", bad, len(tc.bad))
			}
			for i, b := range bad {
				if !strings.Contains(b.Error(), tc.bad[i]) || !strings.HasPrefix(b.Error(), "secdb") {
					t.Errorf("bad entry %q, want it to name the file and say %q", b, tc.bad[i])
				}
			}
		})
	}
}

// TestAlpineSecDBTruncated cuts a real file in both forms: cut JSON keeps
// what came before the cut; YAML cut at a line end still parses. Every
// fix kept is one that the whole file names for that ID and package.
func TestAlpineSecDBTruncated(t *testing.T) {
	want, _ := secdbTestExpect(secdbTestRead(t, feedFile(t, "alpine/v3.11/main.json")))
	for _, rel := range []string{"alpine/v3.11/main.json", "alpine/v3.11/main.yaml"} {
		data := feedFile(t, rel)
		for cut := 200; cut < len(data); cut += len(data)/61 + 1 {
			in := data[:cut]
			if strings.HasSuffix(rel, ".yaml") {
				in = in[:bytes.LastIndexByte(in, '\n')+1]
			}
			advs, _, err := ParseAlpineSecDB(bytes.NewReader(in), rel)
			if err != nil {
				t.Fatalf("%s cut at %d: %v", rel, cut, err)
			}
			for _, a := range advs {
				for _, af := range a.Affected {
					if fixed := trackerFixed(&af); !slices.Contains(want[a.ID+" "+af.Name], fixed) {
						t.Fatalf("%s cut at %d: %s %s fixed %s is not in the whole file", rel, cut, a.ID, af.Name, fixed)
					}
				}
			}
		}
	}
}

func TestAlpineSecDBLimits(t *testing.T) {
	if _, _, err := ParseAlpineSecDB(iotest.ErrReader(errors.New("disk gone")), "secdb"); err == nil || !strings.Contains(err.Error(), "secdb") {
		t.Errorf("read error: err %v", err)
	}
	start := time.Now()
	huge := strings.NewReader(strings.Repeat(" ", secdbMaxSize+1))
	if _, _, err := ParseAlpineSecDB(huge, "secdb"); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized input: err %v", err)
	}
	t.Logf("refused %d MiB in %v", secdbMaxSize>>20, time.Since(start))
}

func FuzzAlpineSecDB(f *testing.F) {
	f.Add([]byte("distroversion: v3.20\npackages:\n  - pkg:\n      name: p\n      secfixes:\n        1.0-r0:\n          - CVE-2020-0001 XSA-1\n        \"0\":\n          - CVE-2020-0002\n"))
	f.Add([]byte(`{"distroversion": "v3.20", "packages": [{"pkg": {"name": "p", "secfixes": {"1.0-r0": ["CVE-2020-0001 (x)"], "2": [1]}}}]}`))
	if b, err := os.ReadFile(testbed.SharedPath("vulndata", "alpine", "v3.3", "main.json")); err == nil {
		f.Add(b[:2048])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		advs, bad, err := ParseAlpineSecDB(bytes.NewReader(data), "fuzz")
		if err != nil {
			if advs != nil || bad != nil {
				t.Fatal("results returned with an error")
			}
			return
		}
		for _, a := range advs {
			id, ok := strings.CutPrefix(a.ID, "ALPINE-")
			if !ok || !reflect.DeepEqual(a.Aliases, []string{id}) || len(a.Affected) == 0 {
				t.Fatalf("bad advisory %+v", a)
			}
			for _, af := range a.Affected {
				ev := af.Ranges[0].Events
				if !strings.HasPrefix(af.Ecosystem, "Alpine:") || af.Name == "" || len(ev) != 2 ||
					ev[0].Introduced != "0" || ev[1].Fixed == "" || ev[1].Fixed == "0" {
					t.Fatalf("bad affected %+v", af)
				}
			}
		}
		for _, b := range bad {
			if !strings.HasPrefix(b.Error(), "fuzz") {
				t.Fatalf("bad entry does not name the file: %q", b)
			}
		}
	})
}

func BenchmarkAlpineSecDB(b *testing.B) {
	for _, ext := range []string{"yaml", "json"} {
		b.Run(ext, func(b *testing.B) {
			data := feedFile(b, "alpine/v3.11/main."+ext)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := ParseAlpineSecDB(bytes.NewReader(data), "main"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
