package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/bulwarksec/bulwark/internal/finding"
)

// writeRunTable writes any engine's findings as tables.
func writeRunTable(w io.Writer, r *Run, opts Options) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d findings\n", r.Tool, r.Version, len(r.Findings))
	writeFindings(&b, r.Findings, newPainter(opts.Color))
	_, err := io.WriteString(w, b.String())
	return err
}

// writeFindings writes one table per section: vulnerabilities by package
// type, other findings by kind.
func writeFindings(b *strings.Builder, fs []finding.Finding, paint painter) {
	groups := map[string][]finding.Finding{}
	for _, f := range fs {
		groups[section(f)] = append(groups[section(f)], f)
	}
	names := make([]string, 0, len(groups))
	for n := range groups {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		g := groups[n]
		slices.SortStableFunc(g, compareFindings)
		fmt.Fprintf(b, "\n%s (%d)\n", n, len(g))
		tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
		if g[0].Vulnerability != nil {
			writeVulnRows(tw, g, paint)
		} else {
			writeRuleRows(tw, g, paint)
		}
		tw.Flush()
	}
}

// section names the table a finding is listed in.
func section(f finding.Finding) string {
	if v := f.Vulnerability; v != nil {
		return v.Package.Type
	}
	return string(f.Kind)
}

// compareFindings orders by package (for vulnerabilities) or target, most
// severe first, then by rule.
func compareFindings(a, b finding.Finding) int {
	return cmp.Or(strings.Compare(subject(a), subject(b)), cmp.Compare(b.Severity, a.Severity),
		strings.Compare(a.RuleID, b.RuleID))
}

func subject(f finding.Finding) string {
	if f.Vulnerability != nil {
		return f.Vulnerability.Package.Name
	}
	return cmp.Or(f.Target.Name, f.Target.ID)
}

func writeVulnRows(tw io.Writer, fs []finding.Finding, paint painter) {
	fmt.Fprintln(tw, "PACKAGE\tINSTALLED\tFIXED IN\tVULNERABILITY\tSEVERITY\tSTATUS\tTITLE")
	for _, f := range fs {
		v := f.Vulnerability
		status := v.Fix
		if v.DistroStatus != "" {
			status += " (" + v.DistroStatus + ")"
		}
		sev := f.Severity.String()
		if v.Score > 0 {
			sev += fmt.Sprintf(" %.1f", v.Score)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.Package.Name, v.Installed, cmp.Or(v.Fixed, "-"), f.RuleID,
			paint(f.Severity, sev), status, shorten(f.Title, 60))
	}
}

func writeRuleRows(tw io.Writer, fs []finding.Finding, paint painter) {
	fmt.Fprintln(tw, "RULE\tSTATUS\tSEVERITY\tTARGET\tLOCATION\tTITLE")
	for _, f := range fs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", f.RuleID, f.Status, paint(f.Severity, f.Severity.String()),
			cmp.Or(subject(f), "-"), cmp.Or(location(f.Location), "-"), shorten(f.Title, 60))
	}
}

// location is where in the target a finding points, in one string.
func location(l finding.Location) string {
	var parts []string
	path := l.Path
	if l.Line > 0 {
		path += ":" + strconv.Itoa(l.Line)
	}
	for _, p := range []string{path, l.JSONPath, l.EventID} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if l.Layer != "" {
		parts = append(parts, "layer "+l.Layer)
	}
	return strings.Join(parts, " ")
}
