package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/match"
)

// ANSI colours per severity.
var severityColor = map[finding.Severity]string{
	finding.SeverityCritical: "\033[1;31m",
	finding.SeverityHigh:     "\033[31m",
	finding.SeverityMedium:   "\033[33m",
	finding.SeverityLow:      "\033[34m",
}

const colorReset = "\033[0m"

// severityOrder lists severities most severe first.
var severityOrder = []finding.Severity{finding.SeverityCritical, finding.SeverityHigh, finding.SeverityMedium,
	finding.SeverityLow, finding.SeverityInformational, finding.SeverityUnknown}

// painter colours text by severity, or leaves it plain.
type painter func(finding.Severity, string) string

func newPainter(color bool) painter {
	return func(s finding.Severity, text string) string {
		if c := severityColor[s]; color && c != "" {
			return c + text + colorReset
		}
		return text
	}
}

func writeImageTable(w io.Writer, r *Image, opts Options) error {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	paint := newPainter(opts.Color)
	var b strings.Builder
	head := r.Target.Target
	if r.Distro != "" {
		head += " (" + r.Distro + ")"
	}
	fmt.Fprintln(&b, head)
	if r.Target.Digest != "" {
		fmt.Fprintln(&b, "digest:", r.Target.Digest)
	}
	if !r.Database.Updated.IsZero() {
		fmt.Fprintf(&b, "vulnerability data: updated %s (%s ago)\n", r.Database.Updated.Format(time.RFC3339),
			age(now.Sub(r.Database.Updated)))
	}
	fmt.Fprintf(&b, "\n%d packages, %s\n", r.Packages, countsLine(r.Summary, paint))
	writeFindings(&b, r.Findings, paint)
	writeFixes(&b, r, paint)
	if len(r.Suppressed) > 0 {
		fmt.Fprintf(&b, "\n%d findings suppressed by ignore rules or VEX\n", len(r.Suppressed))
	}
	for _, e := range r.ExpiredIgnores {
		fmt.Fprintf(&b, "warning: ignore rule expired, no longer applied: %s\n", e)
	}
	for _, wn := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", wn)
	}
	verdict := "HEALTHY"
	if !r.Verdict.Healthy {
		verdict = paint(finding.SeverityCritical, "UNHEALTHY")
	}
	fmt.Fprintf(&b, "\nverdict: %s: %s\n", verdict, r.Verdict.Reason)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeFixes lists the upgrade per package that fixes its findings.
func writeFixes(b *strings.Builder, r *Image, paint painter) {
	if len(r.Fixes) == 0 {
		return
	}
	fmt.Fprintf(b, "\nremediation: %s\n", r.Summary.Line())
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, f := range r.Fixes {
		open := ""
		if len(f.Open) > 0 {
			open = fmt.Sprintf(" (%d stay open: no fix)", len(f.Open))
		}
		fmt.Fprintf(tw, "  %s\t%s -> %s\tfixes %d, up to %s%s\n", f.Package.Name, f.Installed, f.To,
			len(f.Fixes), paint(f.Highest, f.Highest.String()), open)
	}
	tw.Flush()
}

func countsLine(s match.Summary, paint painter) string {
	if s.Total == 0 {
		return "no known vulnerabilities"
	}
	var parts []string
	for _, sev := range severityOrder {
		if n := s.By[sev]; n > 0 {
			parts = append(parts, paint(sev, fmt.Sprintf("%s %d", sev, n)))
		}
	}
	return fmt.Sprintf("%d vulnerabilities (%s), %d with a fix", s.Total, strings.Join(parts, ", "), s.Fixable)
}

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

// age says how long ago, in the largest whole unit.
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}
