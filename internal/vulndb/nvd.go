package vulndb

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// nvdMaxRecord bounds what is read for one CVE record (or one top-level
// value): the largest real records, with thousands of CPE matches, are a
// few MiB.
const nvdMaxRecord = 64 << 20

// nvdMaxSummary bounds the Summary taken from a description, in runes.
const nvdMaxSummary = 200

// errNVDStopped ends a document that broke off after its bad entry was
// recorded.
var errNVDStopped = errors.New("stopped")

// errNVDTooBig stops a record larger than its budget.
var errNVDTooBig = errors.New("record larger than the limit for one record")

// nvdCVE is the part of an NVD CVE API 2.0 record that Bulwark keeps.
type nvdCVE struct {
	ID           string `json:"id"`
	Published    string `json:"published"`
	LastModified string `json:"lastModified"`
	VulnStatus   string `json:"vulnStatus"`
	Descriptions []struct {
		Lang  string `json:"lang"`
		Value string `json:"value"`
	} `json:"descriptions"`
	Metrics struct {
		V40 []nvdMetric `json:"cvssMetricV40"`
		V31 []nvdMetric `json:"cvssMetricV31"`
		V30 []nvdMetric `json:"cvssMetricV30"`
		V2  []nvdMetric `json:"cvssMetricV2"`
	} `json:"metrics"`
	References []struct {
		URL string `json:"url"`
	} `json:"references"`
}

// nvdMetric is one CVSS rating of a record, by NVD (type "Primary") or by
// a CNA (type "Secondary", source its e-mail address).
type nvdMetric struct {
	Source   string `json:"source"`
	Type     string `json:"type"`
	CVSSData struct {
		VectorString string `json:"vectorString"`
	} `json:"cvssData"`
}

// nvdBudget is a reader that fails once a record has read its budget, so
// that one hostile value cannot fill memory.
type nvdBudget struct {
	r         io.Reader
	max, left int
}

// reset starts the budget of the next record.
func (b *nvdBudget) reset() { b.left = b.max }

func (b *nvdBudget) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, errNVDTooBig
	}
	if len(p) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= n
	return n, err
}

// nvdStream reads one NVD document, handing each record to emit.
type nvdStream struct {
	name   string
	dec    *json.Decoder
	budget *nvdBudget
	emit   func(Advisory)
	bad    []error
}

// ParseNVD reads NVD CVE JSON 2.0: a single CVE record (as one file of
// fkie-cad/nvd-json-data-feeds holds), an NVD API 2.0 response or feed
// ({"vulnerabilities": [{"cve": {...}}, ...]}), or a feed of bare records
// under "cve_items". Arrays are read one record at a time, so a yearly
// feed is never held whole. Each record becomes an Advisory with the CVE's
// description, dates, references and every CVSS vector, and no Affected:
// NVD serves as the severity of last resort for a CVE. Records it cannot
// read are reported in bad, naming name and the record, and skipped; err
// is set when r fails or is not a JSON object.
func ParseNVD(r io.Reader, name string) (advs []Advisory, bad []error, err error) {
	bad, err = nvdEach(r, name, nvdMaxRecord, func(a Advisory) { advs = append(advs, a) })
	if err != nil {
		return nil, nil, err
	}
	return advs, bad, nil
}

// nvdEach streams the records of r to emit, reading at most limit bytes for
// any one record.
func nvdEach(r io.Reader, name string, limit int, emit func(Advisory)) ([]error, error) {
	budget := &nvdBudget{r: r, max: limit, left: limit}
	s := &nvdStream{name: name, dec: json.NewDecoder(budget), budget: budget, emit: emit}
	tok, err := s.dec.Token()
	if err == io.EOF {
		return nil, fmt.Errorf("nvd %s: empty input", name)
	}
	if d, ok := tok.(json.Delim); err != nil || !ok || d != '{' {
		return nil, fmt.Errorf("nvd %s: not a JSON object: %w", name, nvdNotObject(err))
	}
	if err := s.object(); err != nil && err != errNVDStopped {
		return nil, fmt.Errorf("nvd %s: %w", name, err)
	}
	return s.bad, nil
}

func nvdNotObject(err error) error {
	if err == nil {
		return errors.New("starts with another value")
	}
	return err
}

// object reads the top-level object: its record arrays as streams, its
// other members whole, which make up a single record when there is no
// array.
func (s *nvdStream) object() error {
	single := map[string]json.RawMessage{}
	feed := false
	for s.dec.More() {
		s.budget.reset()
		tok, err := s.dec.Token()
		if err != nil {
			return s.broken("top level", err)
		}
		key, _ := tok.(string)
		switch key {
		case "vulnerabilities", "cve_items":
			feed = true
			if err := s.array(key); err != nil {
				return err
			}
		default:
			var raw json.RawMessage
			if err := s.dec.Decode(&raw); err != nil {
				return s.broken(key, err)
			}
			single[key] = raw
		}
	}
	if _, err := s.dec.Token(); err != nil {
		return s.broken("top level", err)
	}
	if feed {
		return nil
	}
	if _, ok := single["id"]; !ok {
		return errors.New("neither a CVE record (no \"id\") nor a feed (no \"vulnerabilities\")")
	}
	whole, err := json.Marshal(single)
	if err != nil {
		return fmt.Errorf("re-encode record: %w", err)
	}
	var c nvdCVE
	err = json.Unmarshal(whole, &c)
	where := c.ID
	if where == "" {
		where = "record"
	}
	if err != nil {
		s.fail(where, err)
		return nil
	}
	s.record(where, &c)
	return nil
}

// array streams the records of "vulnerabilities" (each {"cve": record})
// or "cve_items" (each a record).
func (s *nvdStream) array(key string) error {
	tok, err := s.dec.Token()
	if err != nil {
		return s.broken(key, err)
	}
	if tok == nil {
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return s.stop(key, errors.New("not an array"))
	}
	for i := 0; s.dec.More(); i++ {
		s.budget.reset()
		where := fmt.Sprintf("%s[%d]", key, i)
		c, err := s.item(key == "vulnerabilities")
		switch {
		case nvdStops(err):
			return s.broken(where, err)
		case err != nil:
			s.fail(where, err)
		case c == nil:
			s.fail(where, errors.New("no CVE record"))
		default:
			s.record(where+" "+c.ID, c)
		}
	}
	if _, err := s.dec.Token(); err != nil {
		return s.broken(key, err)
	}
	return nil
}

// item decodes the next array element: {"cve": record} when wrapped, else
// a bare record.
func (s *nvdStream) item(wrapped bool) (*nvdCVE, error) {
	if !wrapped {
		var c *nvdCVE
		err := s.dec.Decode(&c)
		return c, err
	}
	var item struct {
		CVE *nvdCVE `json:"cve"`
	}
	err := s.dec.Decode(&item)
	return item.CVE, err
}

// nvdStops says whether err leaves the decoder unable to go on: a syntax
// error, a cut-off input, an oversized record or a failing reader.
func nvdStops(err error) bool {
	var typ *json.UnmarshalTypeError
	return err != nil && !errors.As(err, &typ)
}

// broken handles an error that leaves the document unreadable from here
// on. Syntax errors, truncation and oversized records stop the reading as
// a bad entry, and the records before them stand; a failing reader is
// returned as it is.
func (s *nvdStream) broken(where string, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF || errors.Is(err, errNVDTooBig) {
		return s.stop(where, err)
	}
	return err
}

// stop records where and why the reading stopped, and returns
// errNVDStopped.
func (s *nvdStream) stop(where string, err error) error {
	s.fail(where, fmt.Errorf("stopped reading at byte %d: %w", s.dec.InputOffset(), err))
	return errNVDStopped
}

// record converts one record and emits it, or records why not.
func (s *nvdStream) record(where string, c *nvdCVE) {
	a, err := nvdAdvisory(c)
	if err != nil {
		s.fail(where, err)
		return
	}
	s.emit(a)
}

func (s *nvdStream) fail(where string, err error) {
	s.bad = append(s.bad, &feedEntryError{Name: s.name, Entry: where, Err: err})
}

// nvdAdvisory converts a record.
func nvdAdvisory(c *nvdCVE) (Advisory, error) {
	if !strings.HasPrefix(c.ID, "CVE-") || !secdbID(c.ID) {
		return Advisory{}, fmt.Errorf("bad CVE ID %.40q", c.ID)
	}
	a := Advisory{ID: c.ID, Source: "nvd"}
	var err error
	if a.Published, err = nvdTime(c.Published); err != nil {
		return Advisory{}, fmt.Errorf("published: %w", err)
	}
	if a.Modified, err = nvdTime(c.LastModified); err != nil {
		return Advisory{}, fmt.Errorf("lastModified: %w", err)
	}
	if c.VulnStatus == "Rejected" {
		a.Withdrawn = nvdWithdrawn(a)
	}
	for _, d := range c.Descriptions {
		if d.Lang == "en" {
			a.Details = d.Value
			a.Summary = nvdSummary(d.Value)
			break
		}
	}
	a.Severity = nvdSeverity(c)
	a.References = nvdReferences(c)
	return a, nil
}

// nvdWithdrawn dates a rejection: the last change, else the publication;
// a rejected record with neither still gets a non-zero time.
func nvdWithdrawn(a Advisory) time.Time {
	switch {
	case !a.Modified.IsZero():
		return a.Modified
	case !a.Published.IsZero():
		return a.Published
	}
	return time.Unix(0, 0).UTC()
}

// nvdTime reads NVD's times, which carry no zone but are UTC
// ("2022-03-17T16:15:07.510"); a zone, when present, is honoured.
func nvdTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %.40q", s)
}

// nvdSummary is the first sentence of a description, at most
// nvdMaxSummary runes.
func nvdSummary(d string) string {
	d = strings.TrimSpace(d)
	for i := 0; i < len(d); i++ {
		if d[i] == '.' && (i+1 == len(d) || d[i+1] == ' ' || d[i+1] == '\n' || d[i+1] == '\t') {
			d = d[:i+1]
			break
		}
	}
	if utf8.RuneCountInString(d) <= nvdMaxSummary {
		return d
	}
	cut, n := 0, 0
	for i := range d {
		if n == nvdMaxSummary-1 {
			cut = i
			break
		}
		n++
	}
	return strings.TrimSpace(d[:cut]) + "…"
}

// nvdSeverity lists every CVSS vector of the record, newest CVSS version
// first; NVD's own ("Primary") ratings are from "nvd", others name the CNA.
func nvdSeverity(c *nvdCVE) []Severity {
	var out []Severity
	for _, g := range []struct {
		typ  string
		list []nvdMetric
	}{{"CVSS_V4", c.Metrics.V40}, {"CVSS_V3", c.Metrics.V31}, {"CVSS_V3", c.Metrics.V30}, {"CVSS_V2", c.Metrics.V2}} {
		for _, m := range g.list {
			if m.CVSSData.VectorString == "" {
				continue
			}
			src := m.Source
			if m.Type == "Primary" {
				src = "nvd"
			}
			s := Severity{Type: g.typ, Score: m.CVSSData.VectorString, Source: src}
			if !nvdHasSeverity(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

func nvdHasSeverity(list []Severity, s Severity) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// nvdReferences lists the reference URLs once each, in order.
func nvdReferences(c *nvdCVE) []string {
	var out []string
	seen := make(map[string]bool, len(c.References))
	for _, r := range c.References {
		if r.URL != "" && !seen[r.URL] {
			seen[r.URL] = true
			out = append(out, r.URL)
		}
	}
	return out
}
