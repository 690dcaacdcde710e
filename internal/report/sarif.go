package report

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/bulwarksec/bulwark/internal/finding"
)

// writeSARIF writes SARIF 2.1.0 (owenrumney/go-sarif, the library Trivy
// and others use): one rule per rule ID, with its severity as GitHub reads
// it (security-severity), and one result per finding, located at its path
// (else at target).
func writeSARIF(w io.Writer, r *Run, target string) error {
	rep, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	run := sarif.NewRunWithInformationURI("bulwark", "https://github.com/bulwarksec/bulwark")
	run.Tool.Driver.Version = &r.Version
	rules := map[string]int{}
	for _, f := range r.Findings {
		if _, ok := rules[f.RuleID]; !ok {
			rules[f.RuleID] = len(rules)
			addSARIFRule(run, f)
		}
		loc := cmp.Or(f.Location.Path, f.Location.JSONPath, target, f.Target.Name, f.Target.ID)
		run.CreateResultForRule(f.RuleID).
			WithRuleIndex(rules[f.RuleID]).
			WithLevel(sarifLevel(f)).
			WithMessage(sarif.NewTextMessage(resultMessage(f))).
			AddLocation(sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
				WithArtifactLocation(sarif.NewSimpleArtifactLocation(loc)).
				WithRegion(sarif.NewSimpleRegion(max(f.Location.Line, 1), max(f.Location.Line, 1)))))
	}
	rep.AddRun(run)
	return rep.PrettyWrite(w)
}

func addSARIFRule(run *sarif.Run, f finding.Finding) {
	title := cmp.Or(f.Title, f.RuleID)
	rule := run.AddRule(f.RuleID).
		WithName(ruleName(f)).
		WithShortDescription(sarif.NewMultiformatMessageString(title)).
		WithFullDescription(sarif.NewMultiformatMessageString(title)).
		WithMarkdownHelp(ruleHelp(f)).
		WithTextHelp(ruleHelp(f))
	if len(f.References) > 0 {
		rule.WithHelpURI(f.References[0])
	}
	pb := sarif.NewPropertyBag()
	tags := []string{string(f.Kind), "security", f.Severity.String()}
	if f.Kind == finding.KindVulnerability {
		tags[0] = "vulnerability"
	}
	pb.Add("tags", append(tags, f.Tags...))
	pb.Add("security-severity", fmt.Sprintf("%.1f", securitySeverity(f)))
	rule.AttachPropertyBag(pb)
}

// resultMessage is the text of a finding's result: its package and
// versions for a vulnerability, else its rule, status and target.
func resultMessage(f finding.Finding) string {
	if v := f.Vulnerability; v != nil {
		return fmt.Sprintf("Package: %s\nInstalled version: %s\nVulnerability: %s\nSeverity: %s\nFixed version: %s\nStatus: %s\nLayer: %s",
			v.Package.Name, v.Installed, f.RuleID, f.Severity, cmp.Or(v.Fixed, "none"), v.Fix, cmp.Or(f.Location.Layer, "-"))
	}
	msg := fmt.Sprintf("Rule: %s\nStatus: %s\nSeverity: %s\nTarget: %s", f.RuleID, f.Status, f.Severity, cmp.Or(f.Target.Name, f.Target.ID))
	if l := location(f.Location); l != "" {
		msg += "\nLocation: " + l
	}
	for _, k := range slices.Sorted(maps.Keys(f.Evidence)) {
		msg += fmt.Sprintf("\n%s: %s", k, f.Evidence[k])
	}
	if f.Remediation != "" {
		msg += "\nRemediation: " + f.Remediation
	}
	return msg
}

// securitySeverity is the 0-10 number GitHub grades by: the CVSS score,
// or the middle of the label's band.
func securitySeverity(f finding.Finding) float64 {
	if v := f.Vulnerability; v != nil && v.Score > 0 {
		return v.Score
	}
	switch f.Severity {
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

// sarifLevel grades a finding that failed by its severity; one that
// passed or does not apply is "none".
func sarifLevel(f finding.Finding) string {
	if f.Status == finding.StatusPass || f.Status == finding.StatusSkip {
		return "none"
	}
	switch s := f.Severity; {
	case s >= finding.SeverityHigh:
		return "error"
	case s == finding.SeverityMedium:
		return "warning"
	}
	return "note"
}

// ruleName is the rule's kind in CamelCase: "DebPackageVulnerability",
// "Misconfiguration".
func ruleName(f finding.Finding) string {
	name := string(f.Kind)
	if v := f.Vulnerability; v != nil {
		name = v.Package.Type + "PackageVulnerability"
		if v.Package.Type == "" {
			name = "PackageVulnerability"
		}
	}
	if name == "" {
		return "Finding"
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

func ruleHelp(f finding.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\nSeverity: %s\n", ruleWord(f), f.RuleID, f.Severity)
	if v := f.Vulnerability; v != nil && v.Vector != "" {
		fmt.Fprintf(&b, "CVSS: %.1f %s\n", v.Score, v.Vector)
	}
	if v := f.Vulnerability; v != nil && len(v.Aliases) > 0 {
		fmt.Fprintf(&b, "Aliases: %s\n", strings.Join(v.Aliases, ", "))
	}
	if f.Vulnerability == nil && f.Remediation != "" {
		fmt.Fprintf(&b, "Remediation: %s\n", f.Remediation)
	}
	for _, ref := range f.References {
		fmt.Fprintf(&b, "%s\n", ref)
	}
	return b.String()
}

func ruleWord(f finding.Finding) string {
	if f.Kind == finding.KindVulnerability {
		return "Vulnerability"
	}
	return "Rule"
}
