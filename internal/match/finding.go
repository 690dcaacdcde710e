package match

import (
	"fmt"
	"strings"

	"github.com/bulwarksec/bulwark/internal/finding"
)

// Findings are vs in the shared result model, each about target.
func Findings(vs []Vulnerability, target finding.Target) []finding.Finding {
	out := make([]finding.Finding, 0, len(vs))
	for _, v := range vs {
		out = append(out, v.Finding(target))
	}
	return out
}

// Finding is v in the shared result model: the advisory is the rule, the
// package's path and layer the location, the upgrade the remediation.
func (v Vulnerability) Finding(target finding.Target) finding.Finding {
	f := finding.Finding{
		RuleID: v.ID, Kind: finding.KindVulnerability, Status: v.Status.finding(), Severity: v.Rating.Severity,
		Title: v.Title, Target: target, Location: finding.Location{Path: v.Path, Layer: v.Layer},
		References: v.References,
		Vulnerability: &finding.Vulnerability{
			Aliases: v.Aliases, Installed: v.Installed, Fixed: v.Fixed, Fix: string(v.Status),
			DistroStatus: v.DistroStatus, Note: v.Note, MatchedBy: v.MatchedBy,
			Score: v.Rating.Score, Vector: v.Rating.Vector, RatedBy: v.Rating.Source,
			Package: finding.Package{ID: v.Package.ID, Name: v.Package.Name, Version: v.Package.Version,
				Type: string(v.Package.Type), Ecosystem: v.Package.Ecosystem, PURL: v.Package.PURL, Source: v.Package.Source},
		},
	}
	if v.Fixed != "" {
		f.Remediation = fmt.Sprintf("Upgrade %s to %s.", v.Package.Name, v.Fixed)
	}
	if len(v.OtherPaths) > 0 {
		f.Evidence = map[string]string{"otherPaths": strings.Join(v.OtherPaths, ", ")}
	}
	return f
}

// finding is the status of the finding: the package is vulnerable (fail),
// vulnerable but the distro will not fix it (warn), could not be compared
// (error), or set aside by VEX or an ignore rule (skip).
func (s Status) finding() finding.Status {
	switch s {
	case StatusWontFix:
		return finding.StatusWarn
	case StatusUnknown:
		return finding.StatusError
	case StatusNotAffected:
		return finding.StatusSkip
	}
	return finding.StatusFail
}
