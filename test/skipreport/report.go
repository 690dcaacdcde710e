package main

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"text/tabwriter"
)

// event is one line of `go test -json` (cmd/test2json's TestEvent).
type event struct {
	Action     string
	Package    string
	Test       string
	Output     string
	ImportPath string
}

// skip is one skipped test and the reason its last log line gives.
type skip struct{ pkg, test, reason string }

// summary follows a `go test -json` stream: it echoes what a reader of a
// plain `go test` run would see (package results, build errors, and the
// whole output of each failed test) and keeps the skipped tests.
type summary struct {
	out    io.Writer
	logs   map[string][]string // output of each running test, by package and name
	skips  []skip
	failed bool
}

func newSummary(out io.Writer) *summary {
	return &summary{out: out, logs: map[string][]string{}}
}

func (s *summary) add(e event) {
	key := e.Package + " " + e.Test
	switch {
	case e.Action == "build-output":
		fmt.Fprint(s.out, e.Output)
	case e.Action == "build-fail":
		s.failed = true
	case e.Test == "" && e.Action == "output":
		if line := strings.TrimSpace(e.Output); line != "PASS" && line != "FAIL" {
			fmt.Fprint(s.out, e.Output)
		}
	case e.Action == "output":
		s.logs[key] = append(s.logs[key], e.Output)
	case e.Action == "fail" && e.Test != "":
		fmt.Fprint(s.out, strings.Join(s.logs[key], ""))
		delete(s.logs, key)
	case e.Action == "skip" && e.Test != "":
		s.skips = append(s.skips, skip{e.Package, e.Test, skipReason(s.logs[key])})
		delete(s.logs, key)
	case e.Action == "pass" && e.Test != "":
		delete(s.logs, key)
	}
	if e.Action == "fail" {
		s.failed = true
	}
}

// logLine is a line t.Log or t.Skip writes: "    file_test.go:12: message".
var logLine = regexp.MustCompile(`^\s+[^\s:]+\.go:\d+: (.*)$`)

// skipReason is the first line of the test's last log entry, which is
// the t.Skip message.
func skipReason(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		if m := logLine.FindStringSubmatch(strings.TrimRight(lines[i], "\n")); m != nil {
			return m[1]
		}
	}
	return "(no message)"
}

// table writes the skipped tests, sorted, one row each.
func (s *summary) table(w io.Writer) {
	sort.Slice(s.skips, func(i, j int) bool {
		a, b := s.skips[i], s.skips[j]
		return a.pkg < b.pkg || a.pkg == b.pkg && a.test < b.test
	})
	fmt.Fprintf(w, "\nskipped tests: %d\n", len(s.skips))
	if len(s.skips) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PACKAGE\tTEST\tREASON")
	for _, k := range s.skips {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", k.pkg, k.test, k.reason)
	}
	tw.Flush()
}
