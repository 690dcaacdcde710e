package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/match"
)

// writeSARIF writes SARIF 2.1.0 (owenrumney/go-sarif, the library Trivy
// and others use): one rule per vulnerability ID, with its severity as
// GitHub reads it (security-severity), and one result per affected
// package, located at the package's path in the image.
func writeSARIF(w io.Writer, r *Image) error {
	rep, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	run := sarif.NewRunWithInformationURI("bulwark", "https://github.com/bulwarksec/bulwark")
	run.Tool.Driver.Version = &r.Version
	rules := map[string]int{}
	for _, v := range r.Vulnerabilities {
		if _, ok := rules[v.ID]; !ok {
			rules[v.ID] = len(rules)
			rule := run.AddRule(v.ID).
				WithName(ruleName(v)).
				WithShortDescription(sarif.NewMultiformatMessageString(firstNonEmpty(v.Title, v.ID))).
				WithFullDescription(sarif.NewMultiformatMessageString(firstNonEmpty(v.Title, v.ID))).
				WithMarkdownHelp(ruleHelp(v)).
				WithTextHelp(ruleHelp(v))
			if len(v.References) > 0 {
				rule.WithHelpURI(v.References[0])
			}
			pb := sarif.NewPropertyBag()
			pb.Add("tags", []string{"vulnerability", "security", v.Rating.Severity.String()})
			pb.Add("security-severity", fmt.Sprintf("%.1f", securitySeverity(v)))
			rule.AttachPropertyBag(pb)
		}
		loc := v.Path
		if loc == "" {
			loc = r.Target.Target
		}
		msg := fmt.Sprintf("Package: %s\nInstalled version: %s\nVulnerability: %s\nSeverity: %s\nFixed version: %s\nStatus: %s\nLayer: %s",
			v.Package.Name, v.Installed, v.ID, v.Rating.Severity, firstNonEmpty(v.Fixed, "none"), v.Status, firstNonEmpty(v.Layer, "-"))
		run.CreateResultForRule(v.ID).
			WithRuleIndex(rules[v.ID]).
			WithLevel(sarifLevel(v.Rating.Severity)).
			WithMessage(sarif.NewTextMessage(msg)).
			AddLocation(sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
				WithArtifactLocation(sarif.NewSimpleArtifactLocation(loc)).
				WithRegion(sarif.NewSimpleRegion(1, 1))))
	}
	rep.AddRun(run)
	return rep.PrettyWrite(w)
}

// securitySeverity is the 0-10 number GitHub grades by: the CVSS score,
// or the middle of the label's band.
func securitySeverity(v match.Vulnerability) float64 {
	if v.Rating.Score > 0 {
		return v.Rating.Score
	}
	switch v.Rating.Severity {
	case finding.SeverityCritical:
		return 9.5
	case finding.SeverityHigh:
		return 8.0
	case finding.SeverityMedium:
		return 5.5
	case finding.SeverityLow:
		return 2.0
	}
	return 0
}

func sarifLevel(s finding.Severity) string {
	switch {
	case s >= finding.SeverityHigh:
		return "error"
	case s == finding.SeverityMedium:
		return "warning"
	}
	return "note"
}

func ruleName(v match.Vulnerability) string {
	t := string(v.Package.Type)
	if t == "" {
		return "PackageVulnerability"
	}
	return strings.ToUpper(t[:1]) + t[1:] + "PackageVulnerability"
}

func ruleHelp(v match.Vulnerability) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Vulnerability %s\nSeverity: %s\n", v.ID, v.Rating.Severity)
	if v.Rating.Vector != "" {
		fmt.Fprintf(&b, "CVSS: %.1f %s\n", v.Rating.Score, v.Rating.Vector)
	}
	if len(v.Aliases) > 0 {
		fmt.Fprintf(&b, "Aliases: %s\n", strings.Join(v.Aliases, ", "))
	}
	for _, ref := range v.References {
		fmt.Fprintf(&b, "%s\n", ref)
	}
	return b.String()
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
