package vulndb

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// feedFile reads a file of the shared real advisory data (read-only, never
// copied into the repository); tests skip when it is absent.
func feedFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testbed.Vulndata(t), rel))
	if err != nil {
		testbed.Unavailable(t, "Debian tracker data", "not present (%v): it is the project's shared/vulndata folder, laid beside the repository", err)
	}
	return b
}

// entryLines returns the lines that the bad entries of a parse name.
func entryLines(t *testing.T, bad []error) map[int]bool {
	t.Helper()
	lines := map[int]bool{}
	for _, b := range bad {
		var fe *feedEntryError
		if !errors.As(b, &fe) || fe.Line == 0 {
			t.Fatalf("bad entry %q names no line", b)
		}
		lines[fe.Line] = true
	}
	return lines
}

// Facts about Debian's releases, written out again here so that the test
// does not check the parser's table against itself.
var trackerTestReleases = map[string]string{
	"woody": "3.0", "sarge": "3.1", "etch": "4", "lenny": "5", "squeeze": "6",
	"wheezy": "7", "jessie": "8", "stretch": "9", "buster": "10", "bullseye": "11",
	"bookworm": "12",
}

var (
	trackerTestHeader  = regexp.MustCompile(`^\[(\d\d \w{3} \d{4})\] (\S+)`)
	trackerTestRelease = regexp.MustCompile(`^\s+\[(\w+)\] - (\S+)\s+(\S+)`)
	trackerTestCVEs    = regexp.MustCompile(`^\s+\{([^}]*)\}`)
)

// TestDebianTrackerRealLists accounts for every header and release line of
// the real DSA and DLA lists, read here with regular expressions of the
// test's own: each header is an Advisory (or a bad entry), each release
// line an Affected with that package and fixed version, a not-affected
// tag, or a bad entry.
func TestDebianTrackerRealLists(t *testing.T) {
	for _, tc := range []struct {
		file    string
		minAdvs int
	}{
		{"debian/data/DSA/list", 5400},
		{"debian/data/DLA/list", 3500},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data := feedFile(t, tc.file)
			advs, bad, err := ParseDebianTracker(bytes.NewReader(data), tc.file)
			if err != nil {
				t.Fatal(err)
			}
			badLines := entryLines(t, bad)
			byID := map[string]*Advisory{}
			for i := range advs {
				if byID[advs[i].ID] != nil {
					t.Errorf("%s: two advisories", advs[i].ID)
				}
				byID[advs[i].ID] = &advs[i]
			}
			var headers, badHeaders, releases, notAffected, badReleases, affected int
			var cur *Advisory
			for n, line := range strings.Split(string(data), "\n") {
				n++
				if m := trackerTestHeader.FindStringSubmatch(line); m != nil {
					headers++
					cur = byID[m[2]]
					if badLines[n] {
						badHeaders++
						continue
					}
					if cur == nil {
						t.Errorf("line %d: %s not parsed", n, m[2])
						continue
					}
					if got := cur.Published.Format("02 Jan 2006"); got != m[1] {
						t.Errorf("%s: published %s, file says %s", cur.ID, got, m[1])
					}
					continue
				}
				if m := trackerTestCVEs.FindStringSubmatch(line); m != nil && cur != nil {
					if !reflect.DeepEqual(cur.Aliases, strings.Fields(m[1])) {
						t.Errorf("%s: aliases %v, file says %v", cur.ID, cur.Aliases, m[1])
					}
				}
				m := trackerTestRelease.FindStringSubmatch(line)
				if m == nil {
					continue
				}
				releases++
				switch {
				case badLines[n]:
					badReleases++
				case m[3] == "<not-affected>":
					notAffected++
					if a := trackerFind(cur, "Debian:"+trackerTestReleases[m[1]], m[2]); a != nil {
						t.Errorf("line %d: not-affected release has an Affected %+v", n, a)
					}
				default:
					a := trackerFind(cur, "Debian:"+trackerTestReleases[m[1]], m[2])
					if a == nil {
						t.Errorf("line %d: no Affected for %q", n, line)
						continue
					}
					want := m[3]
					if strings.HasPrefix(want, "<") {
						want = ""
					}
					if got := trackerFixed(a); got != want {
						t.Errorf("line %d: fixed %q, file says %q", n, got, want)
					}
				}
			}
			for _, a := range advs {
				affected += len(a.Affected)
			}
			if headers != len(advs)+badHeaders {
				t.Errorf("%d headers, %d advisories + %d bad headers", headers, len(advs), badHeaders)
			}
			if releases != affected+notAffected+badReleases {
				t.Errorf("%d release lines, %d Affected + %d not-affected + %d bad", releases, affected, notAffected, badReleases)
			}
			if len(advs) < tc.minAdvs {
				t.Errorf("%d advisories, want at least %d", len(advs), tc.minAdvs)
			}
			t.Logf("%d headers -> %d advisories (%d bad); %d release lines -> %d Affected, %d not-affected, %d bad; %d bad entries in all",
				headers, len(advs), badHeaders, releases, affected, notAffected, badReleases, len(bad))
		})
	}
}

func trackerFind(adv *Advisory, eco, name string) *Affected {
	if adv == nil {
		return nil
	}
	for i, a := range adv.Affected {
		if a.Ecosystem == eco && a.Name == name {
			return &adv.Affected[i]
		}
	}
	return nil
}

func trackerFixed(a *Affected) string {
	for _, r := range a.Ranges {
		for _, e := range r.Events {
			if e.Fixed != "" {
				return e.Fixed
			}
		}
	}
	return ""
}

// TestDebianTrackerSpotChecks compares whole records with the text of the
// real DSA list (lines quoted in each case).
func TestDebianTrackerSpotChecks(t *testing.T) {
	data := feedFile(t, "debian/data/DSA/list")
	advs, _, err := ParseDebianTracker(bytes.NewReader(data), "DSA/list")
	if err != nil {
		t.Fatal(err)
	}
	fixed := func(v string) []Range {
		return []Range{{Type: "ECOSYSTEM", Events: []Event{{Introduced: "0"}, {Fixed: v}}}}
	}
	open := []Range{{Type: "ECOSYSTEM", Events: []Event{{Introduced: "0"}}}}
	high := []Severity{{Type: "label", Score: "high", Source: "debian"}}
	day := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, want := range []Advisory{
		// [29 Mar 2023] DSA-5380-1 xorg-server - security update
		// 	{CVE-2023-1393}
		// 	[bullseye] - xorg-server 2:1.20.11-1+deb11u6
		{ID: "DSA-5380-1", Aliases: []string{"CVE-2023-1393"}, Summary: "xorg-server - security update",
			Published: day("2023-03-29"), References: []string{"https://security-tracker.debian.org/tracker/DSA-5380-1"},
			Source: "debian-tracker", Affected: []Affected{{Ecosystem: "Debian:11", Name: "xorg-server", Ranges: fixed("2:1.20.11-1+deb11u6")}}},
		// [10 Nov 2005] DSA-892-1 awstats - missing input sanitising
		// 	{CVE-2005-1527}
		// 	[sarge] - awstats 6.4-1sarge1 (bug #322591; bug #334833; bug #336137; medium)
		// 	[woody] - awstats <not-affected> (vulnerable code not present)
		{ID: "DSA-892-1", Aliases: []string{"CVE-2005-1527"}, Summary: "awstats - missing input sanitising",
			Published: day("2005-11-10"), References: []string{"https://security-tracker.debian.org/tracker/DSA-892-1"},
			Source: "debian-tracker", Affected: []Affected{{Ecosystem: "Debian:3.1", Name: "awstats", Ranges: fixed("6.4-1sarge1"),
				Severity: []Severity{{Type: "label", Score: "medium", Source: "debian"}}}}},
		// [14 Jul 2005] DSA-746-1 phpgroupware - remote command execution
		// 	{CVE-2005-1921}
		// 	[woody] - phpgroupware <unfixed> (high)
		// 	[sarge] - phpgroupware 0.9.16.005-3.sarge0 (high)
		// 	NOTE: fixed in testing at time of DSA
		{ID: "DSA-746-1", Aliases: []string{"CVE-2005-1921"}, Summary: "phpgroupware - remote command execution",
			Published: day("2005-07-14"), References: []string{"https://security-tracker.debian.org/tracker/DSA-746-1"},
			Source: "debian-tracker", Affected: []Affected{
				{Ecosystem: "Debian:3.0", Name: "phpgroupware", Ranges: open, Severity: high},
				{Ecosystem: "Debian:3.1", Name: "phpgroupware", Ranges: fixed("0.9.16.005-3.sarge0"), Severity: high}}},
		// [25 Oct 2016] DSA-3699-1 virtualbox - end of life
		// 	[jessie] - virtualbox <end-of-life>
		{ID: "DSA-3699-1", Summary: "virtualbox - end of life",
			Published: day("2016-10-25"), References: []string{"https://security-tracker.debian.org/tracker/DSA-3699-1"},
			Source: "debian-tracker", Affected: []Affected{{Ecosystem: "Debian:8", Name: "virtualbox", Ranges: open, Status: "end-of-life"}}},
	} {
		var got *Advisory
		for i := range advs {
			if advs[i].ID == want.ID {
				got = &advs[i]
			}
		}
		if got == nil {
			t.Errorf("%s missing", want.ID)
		} else if !reflect.DeepEqual(*got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", want.ID, *got, want)
		}
	}
}

// TestDebianTrackerForms covers each form of line, well-formed or not.
func TestDebianTrackerForms(t *testing.T) {
	head := "[02 Apr 2023] DSA-1-1 pkg - security update\n"
	for _, tc := range []struct {
		name     string
		in       string
		advs     int
		affected []Affected // of the first advisory
		bad      []string   // substrings of the bad entries, in order
	}{
		{name: "tag no-dsa", in: head + "\t[bookworm] - pkg <no-dsa>\n", advs: 1,
			affected: []Affected{trackerOpen("Debian:12", "pkg", "no-dsa")}},
		{name: "tag ignored", in: head + "\t[trixie] - pkg <ignored> (minor issue)\n", advs: 1,
			affected: []Affected{trackerOpen("Debian:13", "pkg", "ignored")}},
		{name: "tag postponed", in: head + "\t[forky] - pkg <postponed>\n", advs: 1,
			affected: []Affected{trackerOpen("Debian:14", "pkg", "postponed")}},
		{name: "tag unfixed", in: head + "\t[buzz] - pkg <unfixed>\n", advs: 1,
			affected: []Affected{trackerOpen("Debian:1.1", "pkg", "")}},
		{name: "not affected", in: head + "\t[buster] - pkg <not-affected> (code not present)\n", advs: 1},
		{name: "unimportant", in: head + "\t[bookworm] - pkg 1.0-1 (unimportant)\n", advs: 1,
			affected: []Affected{{Ecosystem: "Debian:12", Name: "pkg", Status: "unimportant",
				Ranges:   []Range{{Type: "ECOSYSTEM", Events: []Event{{Introduced: "0"}, {Fixed: "1.0-1"}}}},
				Severity: []Severity{{Type: "label", Score: "unimportant", Source: "debian"}}}}},
		{name: "bug only", in: head + "\t[bookworm] - pkg 1.0-1 (bug #123)\n", advs: 1,
			affected: []Affected{{Ecosystem: "Debian:12", Name: "pkg",
				Ranges: []Range{{Type: "ECOSYSTEM", Events: []Event{{Introduced: "0"}, {Fixed: "1.0-1"}}}}}}},
		{name: "unknown codename", in: head + "\t[sid] - pkg 1.0-1\n\t[bookworm] - pkg <no-dsa>\n", advs: 1,
			affected: []Affected{trackerOpen("Debian:12", "pkg", "no-dsa")}, bad: []string{":2: DSA-1-1: unknown release codename \"sid\""}},
		{name: "unknown tag", in: head + "\t[bookworm] - pkg <removed>\n", advs: 1, bad: []string{"unknown tag"}},
		{name: "no version", in: head + "\t[bookworm] - pkg\n", advs: 1, bad: []string{"without a package and a version"}},
		{name: "text after version", in: head + "\t[bookworm] - pkg 1.0 junk\n", advs: 1, bad: []string{"unexpected text"}},
		{name: "no dash", in: head + "\t[bookworm] pkg 1.0\n", advs: 1, bad: []string{"without ' - '"}},
		{name: "unclosed bracket", in: head + "\t[bookworm - pkg 1.0\n", advs: 1, bad: []string{"without a closing ']'"}},
		{name: "unclosed CVE list", in: head + "\t{CVE-1 CVE-2\n", advs: 1, bad: []string{"closing '}'"}},
		{name: "not a CVE", in: head + "\t{CVE-2023-1 DSA-2-1}\n", advs: 1, bad: []string{"is not a CVE ID"}},
		{name: "bad date", in: "[31 Foo 2023] DSA-1-1 pkg\n\t[bookworm] - pkg 1.0\n", bad: []string{":1: bad date"}},
		{name: "no ID", in: "[02 Apr 2023] pkg - security update\n\t[bookworm] - pkg 1.0\n", bad: []string{"without a DSA/DLA ID"}},
		{name: "no closing bracket in header", in: "[02 Apr 2023 DSA-1-1\n", bad: []string{"closing ']'"}},
		{name: "line before header", in: "\t[bookworm] - pkg 1.0\n" + head, advs: 1, bad: []string{"before the first advisory"}},
		{name: "unindented junk", in: head + "junk\n", advs: 1, bad: []string{"unrecognised line"}},
		{name: "indented junk", in: head + "\tjunk\n", advs: 1, bad: []string{"DSA-1-1: unrecognised line"}},
		{name: "notes and blank lines", in: head + "\n   \n\tNOTE: [bookworm] - pkg <end-of-life>\n", advs: 1},
		{name: "CRLF", in: strings.ReplaceAll(head+"\t[bookworm] - pkg 1.0\n", "\n", "\r\n"), advs: 1,
			affected: []Affected{{Ecosystem: "Debian:12", Name: "pkg",
				Ranges: []Range{{Type: "ECOSYSTEM", Events: []Event{{Introduced: "0"}, {Fixed: "1.0"}}}}}}},
		{name: "no final newline", in: head + "\t[bookworm] - pkg 1.0", advs: 1,
			affected: []Affected{{Ecosystem: "Debian:12", Name: "pkg",
				Ranges: []Range{{Type: "ECOSYSTEM", Events: []Event{{Introduced: "0"}, {Fixed: "1.0"}}}}}}},
		{name: "long header", in: "[02 Apr 2023] DSA-9-9 " + strings.Repeat("x", 2<<20) + "\n\t[bookworm] - pkg 1.0\n" + head,
			advs: 1, bad: []string{":1: line longer than 1 MiB"}},
		{name: "long indented line", in: head + "\t" + strings.Repeat("{", 3<<20) + "\n\t[bookworm] - pkg <no-dsa>\n", advs: 1,
			affected: []Affected{trackerOpen("Debian:12", "pkg", "no-dsa")}, bad: []string{":2: line longer than 1 MiB"}},
		{name: "binary", in: "\x00\xff\x1b[\x00]\n\t\x00\n", bad: []string{"unrecognised line", "indented line before"}},
		{name: "empty", in: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			advs, bad, err := ParseDebianTracker(strings.NewReader(tc.in), "list")
			if err != nil {
				t.Fatal(err)
			}
			if len(advs) != tc.advs {
				t.Fatalf("%d advisories, want %d: %+v", len(advs), tc.advs, advs)
			}
			if tc.advs > 0 && !reflect.DeepEqual(advs[0].Affected, tc.affected) {
				t.Errorf("affected:\n got %+v\nwant %+v", advs[0].Affected, tc.affected)
			}
			if len(bad) != len(tc.bad) {
				t.Fatalf("bad entries %q, want %d", bad, len(tc.bad))
			}
			for i, b := range bad {
				if !strings.Contains(b.Error(), tc.bad[i]) || !strings.HasPrefix(b.Error(), "list:") {
					t.Errorf("bad entry %q, want it to name the file and say %q", b, tc.bad[i])
				}
			}
		})
	}
}

func trackerOpen(eco, name, status string) Affected {
	return Affected{Ecosystem: eco, Name: name, Status: status,
		Ranges: []Range{{Type: "ECOSYSTEM", Events: []Event{{Introduced: "0"}}}}}
}

// TestDebianTrackerTruncated cuts the real list at many points: a cut file
// is read as far as it goes, never fails, and loses at most the entry that
// was cut.
func TestDebianTrackerTruncated(t *testing.T) {
	data := feedFile(t, "debian/data/DLA/list")
	full, _, err := ParseDebianTracker(bytes.NewReader(data), "DLA/list")
	if err != nil {
		t.Fatal(err)
	}
	for cut := 1; cut < len(data); cut += len(data)/97 + 1 {
		advs, _, err := ParseDebianTracker(bytes.NewReader(data[:cut]), "DLA/list")
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		for i := 0; i+1 < len(advs); i++ {
			if !reflect.DeepEqual(advs[i], full[i]) {
				t.Fatalf("cut at %d: advisory %d differs from the whole file's", cut, i)
			}
		}
	}
}

func TestDebianTrackerReadError(t *testing.T) {
	r := iotest.DataErrReader(iotest.ErrReader(errors.New("disk gone")))
	if _, _, err := ParseDebianTracker(r, "list"); err == nil || !strings.Contains(err.Error(), "list") {
		t.Errorf("err %v, want the read error naming the file", err)
	}
}

func FuzzDebianTracker(f *testing.F) {
	f.Add([]byte("[02 Apr 2023] DSA-1-1 pkg - security update\n\t{CVE-2023-1}\n\t[bookworm] - pkg 1.0 (low)\n"))
	f.Add([]byte("[02 Apr 2023] DSA-1-1 pkg\n\t[sid] - pkg <unfixed>\n\t[jessie] - pkg <not-affected>\n\tNOTE: x\n"))
	f.Add([]byte("[02 Apr 2023] DLA-1 pkg\n\t[bookworm] - pkg 1.0 ()\n\t[bookworm] - pkg 1 (\n"))
	if b, err := os.ReadFile(testbed.SharedPath("vulndata", "debian", "data", "DSA", "list")); err == nil {
		f.Add(b[:4096])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		advs, bad, err := ParseDebianTracker(bytes.NewReader(data), "fuzz")
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range advs {
			if !trackerID(a.ID) || a.Source != "debian-tracker" || a.Published.IsZero() {
				t.Fatalf("bad advisory %+v", a)
			}
			for _, af := range a.Affected {
				if !strings.HasPrefix(af.Ecosystem, "Debian:") || af.Name == "" || len(af.Ranges) != 1 ||
					af.Ranges[0].Events[0].Introduced != "0" || len(af.Ranges[0].Events) > 2 {
					t.Fatalf("bad affected %+v", af)
				}
				if len(af.Ranges[0].Events) == 2 && af.Ranges[0].Events[1].Fixed == "" {
					t.Fatalf("empty fixed version %+v", af)
				}
			}
		}
		for _, b := range bad {
			if !strings.HasPrefix(b.Error(), "fuzz:") {
				t.Fatalf("bad entry does not name the file: %q", b)
			}
		}
	})
}

func BenchmarkDebianTracker(b *testing.B) {
	data := feedFile(b, "debian/data/DSA/list")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParseDebianTracker(bytes.NewReader(data), "DSA/list"); err != nil {
			b.Fatal(err)
		}
	}
}
