package vulndb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf8"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

const nvdTestSample = "nvd/CVE-2021-44906.json"

// nvdTestExpect reads what the parser should find in a record with plain
// encoding/json into generic values.
func nvdTestExpect(t *testing.T, data []byte) (vectors []Severity, refs []string, published, modified, desc string) {
	t.Helper()
	var rec map[string]any
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	metrics, _ := rec["metrics"].(map[string]any)
	for _, k := range []struct{ key, typ string }{{"cvssMetricV40", "CVSS_V4"}, {"cvssMetricV31", "CVSS_V3"}, {"cvssMetricV30", "CVSS_V3"}, {"cvssMetricV2", "CVSS_V2"}} {
		list, _ := metrics[k.key].([]any)
		for _, m := range list {
			m := m.(map[string]any)
			src := m["source"].(string)
			if m["type"] == "Primary" {
				src = "nvd"
			}
			vectors = append(vectors, Severity{Type: k.typ, Score: m["cvssData"].(map[string]any)["vectorString"].(string), Source: src})
		}
	}
	for _, r := range rec["references"].([]any) {
		refs = append(refs, r.(map[string]any)["url"].(string))
	}
	for _, d := range rec["descriptions"].([]any) {
		if d := d.(map[string]any); d["lang"] == "en" {
			desc = d["value"].(string)
		}
	}
	return vectors, refs, rec["published"].(string), rec["lastModified"].(string), desc
}

// TestNVDSample checks the real record against the values read from its
// own text: its two CVSS vectors, dates, description and references.
func TestNVDSample(t *testing.T) {
	data := feedFile(t, nvdTestSample)
	advs, bad, err := ParseNVD(bytes.NewReader(data), nvdTestSample)
	if err != nil || len(bad) != 0 || len(advs) != 1 {
		t.Fatalf("advs %d, bad %v, err %v", len(advs), bad, err)
	}
	a := advs[0]
	vectors, refs, published, modified, desc := nvdTestExpect(t, data)
	if len(vectors) != 2 || len(refs) != 6 {
		t.Fatalf("the sample changed: %d vectors, %d references", len(vectors), len(refs))
	}
	if !reflect.DeepEqual(a.Severity, vectors) {
		t.Errorf("severity %+v, want %+v", a.Severity, vectors)
	}
	// The sample's own text, for what generic decoding cannot tell.
	if a.Severity[0].Score != "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" || a.Severity[1].Score != "AV:N/AC:L/Au:N/C:P/I:P/A:P" {
		t.Errorf("vectors %+v", a.Severity)
	}
	if !reflect.DeepEqual(a.References, refs) {
		t.Errorf("references %v, want %v", a.References, refs)
	}
	if got := a.Published.Format("2006-01-02T15:04:05.000"); got != published || a.Published.Location() != time.UTC {
		t.Errorf("published %v, want %s UTC", a.Published, published)
	}
	if got := a.Modified.Format("2006-01-02T15:04:05.000"); got != modified {
		t.Errorf("modified %v, want %s", a.Modified, modified)
	}
	if a.ID != "CVE-2021-44906" || a.Details != desc || a.Summary != desc || a.Source != "nvd" ||
		!a.Withdrawn.IsZero() || a.Affected != nil || a.Aliases != nil {
		t.Errorf("record %+v", a)
	}
}

// nvdTestFeed wraps records as an NVD API 2.0 response does.
func nvdTestFeed(records ...string) string {
	items := make([]string, len(records))
	for i, r := range records {
		items[i] = `{"cve": ` + r + `}`
	}
	return fmt.Sprintf(`{"resultsPerPage": %d, "startIndex": 0, "totalResults": %d, "format": "NVD_CVE", "version": "2.0", "timestamp": "2024-06-21T19:30:00.000", "vulnerabilities": [%s]}`,
		len(records), len(records), strings.Join(items, ",\n"))
}

// nvdTestRename gives the sample record another ID (and status).
func nvdTestRename(data []byte, id, status string) string {
	s := strings.Replace(string(data), `"CVE-2021-44906"`, `"`+id+`"`, 1)
	return strings.Replace(s, `"vulnStatus": "Modified"`, `"vulnStatus": "`+status+`"`, 1)
}

// TestNVDFeeds reads the real record inside an API response and a feed of
// bare records, next to broken records that are skipped.
func TestNVDFeeds(t *testing.T) {
	data := feedFile(t, nvdTestSample)
	single, _, err := ParseNVD(bytes.NewReader(data), "one")
	if err != nil {
		t.Fatal(err)
	}
	rejected := nvdTestRename(data, "CVE-2021-0002", "Rejected")
	for _, tc := range []struct {
		name string
		in   string
		ids  []string
		bad  []string
	}{
		{name: "API response", in: nvdTestFeed(string(data), nvdTestRename(data, "CVE-2021-0001", "Analyzed")),
			ids: []string{"CVE-2021-44906", "CVE-2021-0001"}},
		{name: "bare records", in: `{"cve_count": 2, "cve_items": [` + string(data) + `, ` + rejected + `]}`,
			ids: []string{"CVE-2021-44906", "CVE-2021-0002"}},
		{name: "broken records", in: nvdTestFeed(`{"id": 5}`, `{"id": "GHSA-1"}`, `{"id": "CVE-2020-0001", "published": "yesterday"}`,
			`{"id": "CVE-2020-0002", "lastModified": "2020-13-01T00:00:00"}`, `null`, string(data)),
			ids: []string{"CVE-2021-44906"},
			bad: []string{"vulnerabilities[0]: json: cannot unmarshal number", `vulnerabilities[1] GHSA-1: bad CVE ID "GHSA-1"`,
				`vulnerabilities[2] CVE-2020-0001: published: bad time "yesterday"`, "lastModified: bad time", "vulnerabilities[4]: no CVE record"}},
		{name: "element not a wrapper", in: `{"vulnerabilities": [7, {"cve": ` + string(data) + `}]}`,
			ids: []string{"CVE-2021-44906"}, bad: []string{"vulnerabilities[0]: json: cannot unmarshal number"}},
		{name: "empty feed", in: nvdTestFeed()},
		{name: "null feed", in: `{"vulnerabilities": null}`},
		{name: "feed not an array", in: `{"vulnerabilities": {"a": 1}}`, bad: []string{"vulnerabilities: stopped reading at byte 21: not an array"}},
		{name: "truncated", in: nvdTestFeed(string(data), string(data))[:len(data)+300],
			ids: []string{"CVE-2021-44906"}, bad: []string{"vulnerabilities[1]: stopped reading at byte"}},
		{name: "deep nesting", in: `{"vulnerabilities": [{"cve": ` + string(data) + `}, {"cve": {"id": ` + strings.Repeat("[", 100000),
			ids: []string{"CVE-2021-44906"}, bad: []string{"exceeded max depth"}},
		{name: "deep single record", in: `{"id": "CVE-2020-0001", "x": ` + strings.Repeat(`{"a":`, 100000), bad: []string{"x: stopped reading"}},
		{name: "truncated single record", in: string(data[:len(data)/2]), bad: []string{"stopped reading"}},
		{name: "single record, bad field type", in: `{"id": "CVE-2020-0001", "descriptions": "x"}`, bad: []string{"CVE-2020-0001: json: cannot unmarshal string"}},
		{name: "single record, bad ID type", in: `{"id": 5}`, bad: []string{"feed: record: json: cannot unmarshal number"}},
		{name: "single record, not a CVE", in: `{"id": "GHSA-1"}`, bad: []string{`feed: GHSA-1: bad CVE ID`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			advs, bad, err := ParseNVD(strings.NewReader(tc.in), "feed")
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, a := range advs {
				ids = append(ids, a.ID)
				if a.ID == "CVE-2021-44906" && !reflect.DeepEqual(a, single[0]) {
					t.Errorf("the sample inside a feed differs from the sample alone:\n%+v\n%+v", a, single[0])
				}
			}
			if !reflect.DeepEqual(ids, tc.ids) {
				t.Errorf("IDs %v, want %v", ids, tc.ids)
			}
			if len(bad) != len(tc.bad) {
				t.Fatalf("bad entries %q, want %d", bad, len(tc.bad))
			}
			for i, b := range bad {
				if !strings.Contains(b.Error(), tc.bad[i]) || !strings.HasPrefix(b.Error(), "feed: ") {
					t.Errorf("bad entry %q, want it to name the file and say %q", b, tc.bad[i])
				}
			}
		})
	}
	advs, _, _ := ParseNVD(strings.NewReader(`{"cve_items": [`+rejected+`]}`), "feed")
	if len(advs) != 1 || !advs[0].Withdrawn.Equal(single[0].Modified) {
		t.Errorf("rejected record: withdrawn %v, want its lastModified %v", advs, single[0].Modified)
	}
}

func TestNVDFields(t *testing.T) {
	long := strings.Repeat("é", 300)
	for _, tc := range []struct {
		name string
		rec  string
		want Advisory
	}{
		{name: "every CVSS version and source", rec: `{"id": "CVE-2024-0001", "metrics": {
			"cvssMetricV40": [{"source": "cna@example.com", "type": "Secondary", "cvssData": {"vectorString": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}}],
			"cvssMetricV31": [{"source": "nvd@nist.gov", "type": "Primary", "cvssData": {"vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}},
			                  {"source": "cna@example.com", "type": "Secondary", "cvssData": {"vectorString": "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}},
			                  {"source": "nvd@nist.gov", "type": "Primary", "cvssData": {"vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}],
			"cvssMetricV30": [{"source": "nvd@nist.gov", "type": "Primary", "cvssData": {"vectorString": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}],
			"cvssMetricV2": [{"source": "nvd@nist.gov", "type": "Primary", "cvssData": {"vectorString": ""}}]}}`,
			want: Advisory{ID: "CVE-2024-0001", Source: "nvd", Severity: []Severity{
				{Type: "CVSS_V4", Score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", Source: "cna@example.com"},
				{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Source: "nvd"},
				{Type: "CVSS_V3", Score: "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Source: "cna@example.com"},
				{Type: "CVSS_V3", Score: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Source: "nvd"}}}},
		{name: "first sentence, English only", rec: `{"id": "CVE-2024-0002", "descriptions": [{"lang": "es", "value": "Uno. Dos."},
			{"lang": "en", "value": "  A flaw in foo.c, e.g.x, lets users in. Upgrade to 1.2.3.\nMore."}]}`,
			want: Advisory{ID: "CVE-2024-0002", Source: "nvd", Summary: "A flaw in foo.c, e.g.x, lets users in.",
				Details: "  A flaw in foo.c, e.g.x, lets users in. Upgrade to 1.2.3.\nMore."}},
		{name: "long sentence", rec: `{"id": "CVE-2024-0003", "descriptions": [{"lang": "en", "value": "` + long + `"}]}`,
			want: Advisory{ID: "CVE-2024-0003", Source: "nvd", Summary: long[:2*199] + "…", Details: long}},
		{name: "dates with zone and references once", rec: `{"id": "CVE-2024-0004", "published": "2024-01-02T03:04:05Z", "lastModified": "2024-01-02T05:04:05.5+02:00",
			"references": [{"url": "https://a"}, {"url": ""}, {"url": "https://b"}, {"url": "https://a"}]}`,
			want: Advisory{ID: "CVE-2024-0004", Source: "nvd", Published: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
				Modified: time.Date(2024, 1, 2, 3, 4, 5, 5e8, time.UTC), References: []string{"https://a", "https://b"}}},
		{name: "rejected without dates", rec: `{"id": "CVE-2024-0005", "vulnStatus": "Rejected"}`,
			want: Advisory{ID: "CVE-2024-0005", Source: "nvd", Withdrawn: time.Unix(0, 0).UTC()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			advs, bad, err := ParseNVD(strings.NewReader(tc.rec), "rec")
			if err != nil || len(bad) != 0 || len(advs) != 1 {
				t.Fatalf("advs %v, bad %v, err %v", advs, bad, err)
			}
			if !reflect.DeepEqual(advs[0], tc.want) {
				t.Errorf("\n got %+v\nwant %+v", advs[0], tc.want)
			}
			if n := utf8.RuneCountInString(advs[0].Summary); n > nvdMaxSummary {
				t.Errorf("summary of %d runes", n)
			}
		})
	}
}

func TestNVDUnreadable(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    io.Reader
		err  string
	}{
		{"empty", strings.NewReader(""), "empty input"},
		{"array", strings.NewReader(`[{"id": "CVE-2020-0001"}]`), "not a JSON object"},
		{"binary", strings.NewReader("\x00\x9f\xff{"), "not a JSON object"},
		{"neither record nor feed", strings.NewReader(`{"resultsPerPage": 0}`), "neither a CVE record"},
		{"read error", iotest.ErrReader(errors.New("disk gone")), "disk gone"},
		{"read error mid-feed", io.MultiReader(strings.NewReader(`{"vulnerabilities": [{"cve": {"id": "CVE-2020-0001"}}, `), iotest.ErrReader(errors.New("disk gone"))), "disk gone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			advs, bad, err := ParseNVD(tc.r, "in")
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), "nvd in: ") || advs != nil || bad != nil {
				t.Errorf("advs %v, bad %v, err %v; want only an error naming the input and saying %q", advs, bad, err, tc.err)
			}
		})
	}
}

// nvdTestGen produces an API response of n copies of a record lazily,
// counting the records it has handed out.
type nvdTestGen struct {
	rec     []byte
	n, done int
	buf     bytes.Buffer
}

func (g *nvdTestGen) Read(p []byte) (int, error) {
	for g.buf.Len() < len(p) && g.done <= g.n {
		switch {
		case g.done == 0:
			g.buf.WriteString(`{"format": "NVD_CVE", "vulnerabilities": [`)
		case g.done == g.n:
			g.buf.WriteString(`]}`)
		default:
			if g.done > 1 {
				g.buf.WriteString(",")
			}
			fmt.Fprintf(&g.buf, `{"cve": %s}`, bytes.Replace(g.rec, []byte("CVE-2021-44906"), fmt.Appendf(nil, "CVE-2021-%d", 100000+g.done), 1))
		}
		g.done++
	}
	if g.buf.Len() == 0 {
		return 0, io.EOF
	}
	return g.buf.Read(p)
}

// TestNVDStreams checks that records are handed on while the feed is still
// being read, and that one oversized record stops the read as a bad entry.
func TestNVDStreams(t *testing.T) {
	data := feedFile(t, nvdTestSample)
	g := &nvdTestGen{rec: data, n: 2000}
	first := -1
	count := 0
	bad, err := nvdEach(g, "gen", nvdMaxRecord, func(a Advisory) {
		if first < 0 {
			first = g.done
		}
		count++
	})
	if err != nil || len(bad) != 0 || count != g.n-1 {
		t.Fatalf("%d records, bad %v, err %v", count, bad, err)
	}
	if first > 10 {
		t.Errorf("the first record came out after %d of %d were read", first, g.n)
	}
	in := `{"vulnerabilities": [{"cve": {"id": "CVE-2020-0001"}}, {"cve": {"id": "CVE-2020-0002", "x": "` + strings.Repeat("a", 1<<20) + `"}}, {"cve": {"id": "CVE-2020-0003"}}]}`
	var ids []string
	bad, err = nvdEach(strings.NewReader(in), "big", 64<<10, func(a Advisory) { ids = append(ids, a.ID) })
	if err != nil || len(bad) != 1 || !errors.Is(bad[0], errNVDTooBig) || !reflect.DeepEqual(ids, []string{"CVE-2020-0001"}) {
		t.Errorf("oversized record: ids %v, bad %v, err %v", ids, bad, err)
	}
}

func FuzzNVD(f *testing.F) {
	f.Add([]byte(`{"id": "CVE-2020-0001", "descriptions": [{"lang": "en", "value": "A. B."}], "vulnStatus": "Rejected"}`))
	f.Add([]byte(`{"vulnerabilities": [{"cve": {"id": "CVE-2020-0001", "metrics": {"cvssMetricV2": [{"type": "Primary", "cvssData": {"vectorString": "AV:N"}}]}}}, {"cve": 1}]}`))
	f.Add([]byte(`{"cve_items": [{"id": "CVE-2020-0001", "published": "2020-01-01T00:00:00"}, null]}`))
	if b, err := os.ReadFile(testbed.SharedPath("vulndata", nvdTestSample)); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		advs, bad, err := ParseNVD(bytes.NewReader(data), "fuzz")
		if err != nil {
			if advs != nil || bad != nil {
				t.Fatal("results returned with an error")
			}
			return
		}
		for _, a := range advs {
			if !strings.HasPrefix(a.ID, "CVE-") || a.Source != "nvd" || a.Affected != nil {
				t.Fatalf("bad advisory %+v", a)
			}
			if n := utf8.RuneCountInString(a.Summary); n > nvdMaxSummary {
				t.Fatalf("summary of %d runes", n)
			}
			for _, s := range a.Severity {
				if s.Score == "" || (s.Type != "CVSS_V2" && s.Type != "CVSS_V3" && s.Type != "CVSS_V4") {
					t.Fatalf("bad severity %+v", s)
				}
			}
		}
		for _, b := range bad {
			if !strings.HasPrefix(b.Error(), "fuzz: ") {
				t.Fatalf("bad entry does not name the file: %q", b)
			}
		}
	})
}

// BenchmarkNVD reads the real record alone and as 1,000 records of a feed.
func BenchmarkNVD(b *testing.B) {
	data := feedFile(b, nvdTestSample)
	var feed bytes.Buffer
	if _, err := feed.ReadFrom(&nvdTestGen{rec: data, n: 1001}); err != nil {
		b.Fatal(err)
	}
	for _, in := range []struct {
		name string
		data []byte
	}{{"record", data}, {"feed1000", feed.Bytes()}} {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := ParseNVD(bytes.NewReader(in.data), in.name); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
