package scan

import (
	"fmt"
	"slices"
	"time"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/match"
	"github.com/bulwarksec/bulwark/internal/report"
)

// Report is r as the report writers take it, made by tool at version.
func (r *Result) Report(tool, version string, created time.Time) *report.Image {
	target := r.Target()
	rep := &report.Image{
		Run:    report.Run{Tool: tool, Version: version, Created: created, Findings: match.Findings(r.Vulnerabilities, target)},
		Target: r.SBOM.Source, Distro: r.SBOM.Distro.PrettyName, Packages: len(r.SBOM.Packages),
		Suppressed:  match.Findings(r.Suppressed, target),
		Fixes:       r.Fixes,
		Summary:     r.Summary,
		Verdict:     r.Verdict,
		Unsupported: r.Unsupported,
		Warnings:    r.SBOM.Warnings,
		SBOM:        r.SBOM,
		Database:    report.Database{Built: r.Database.Built, Updated: r.Database.Updated},
	}
	for name := range r.Database.Sources {
		rep.Database.Sources = append(rep.Database.Sources, name)
	}
	slices.Sort(rep.Database.Sources)
	for _, e := range r.Expired {
		rep.ExpiredIgnores = append(rep.ExpiredIgnores, fmt.Sprintf("%s (%s, expired %s)", e.ID, e.Source, e.Expires.Format("2006-01-02")))
	}
	return rep
}

// Target is the image scanned, as findings name it: by digest when it has
// one, else by the target given.
func (r *Result) Target() finding.Target {
	src := r.SBOM.Source
	id := src.Target
	if src.Digest != "" {
		id = "image:" + src.Digest
	}
	return finding.Target{Kind: finding.TargetImage, ID: id, Name: src.Target}
}
