package report

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/bulwarksec/bulwark/internal/finding"
)

// The JUnit XML shape CI systems read (Jenkins, GitLab, GitHub test
// reporters): suites of test cases, each passed, failed or skipped.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name      string      `xml:"name,attr"`
		Tests     int         `xml:"tests,attr"`
		Failures  int         `xml:"failures,attr"`
		Skipped   int         `xml:"skipped,attr"`
		Timestamp string      `xml:"timestamp,attr,omitempty"`
		Cases     []junitCase `xml:"testcase"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		ClassName string        `xml:"classname,attr"`
		Failure   *junitFailure `xml:"failure"`
		Skipped   *junitFailure `xml:"skipped"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr,omitempty"`
		Text    string `xml:",cdata"`
	}
)

// writeJUnit writes JUnit XML: one suite per kind of finding, one test
// case per finding. Fail and error findings are failures (typed by their
// status), skip findings are skipped, pass and warn findings pass.
func writeJUnit(w io.Writer, r *Run) error {
	out := junitSuites{Name: r.Tool}
	byKind := map[finding.Kind][]finding.Finding{}
	for _, f := range r.Findings {
		byKind[f.Kind] = append(byKind[f.Kind], f)
	}
	kinds := make([]finding.Kind, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		s := junitSuite{Name: string(k)}
		if !r.Created.IsZero() {
			s.Timestamp = r.Created.UTC().Format("2006-01-02T15:04:05")
		}
		for _, f := range byKind[k] {
			c := junitTestCase(f)
			s.Tests++
			s.Failures += btoi(c.Failure != nil)
			s.Skipped += btoi(c.Skipped != nil)
			s.Cases = append(s.Cases, c)
		}
		out.Tests, out.Failures, out.Skipped = out.Tests+s.Tests, out.Failures+s.Failures, out.Skipped+s.Skipped
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitTestCase names a finding by its rule and subject, classed by its
// target.
func junitTestCase(f finding.Finding) junitCase {
	c := junitCase{Name: f.RuleID, ClassName: cmp.Or(f.Target.Name, f.Target.ID, string(f.Kind))}
	if v := f.Vulnerability; v != nil {
		c.Name = fmt.Sprintf("%s %s %s", f.RuleID, v.Package.Name, v.Installed)
	} else if l := location(f.Location); l != "" {
		c.Name += " " + l
	}
	msg := fmt.Sprintf("%s: %s", f.Severity, cmp.Or(f.Title, f.RuleID))
	switch f.Status {
	case finding.StatusFail, finding.StatusError:
		c.Failure = &junitFailure{Message: msg, Type: string(f.Status), Text: junitDetail(f)}
	case finding.StatusSkip:
		c.Skipped = &junitFailure{Message: msg}
	}
	return c
}

// junitDetail is the failure's body: the result message and references.
func junitDetail(f finding.Finding) string {
	lines := []string{resultMessage(f)}
	if f.Vulnerability != nil && f.Remediation != "" {
		lines = append(lines, "Remediation: "+f.Remediation)
	}
	return strings.Join(append(lines, f.References...), "\n")
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
