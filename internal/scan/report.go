package scan

import (
	"fmt"
	"slices"
	"time"

	"github.com/bulwarksec/bulwark/internal/report"
)

// Report is r as the report writers take it, made by tool at version.
func (r *Result) Report(tool, version string, created time.Time) *report.Image {
	rep := &report.Image{
		Tool: tool, Version: version, Created: created,
		Target: r.SBOM.Source, Distro: r.SBOM.Distro.PrettyName, Packages: len(r.SBOM.Packages),
		Vulnerabilities: r.Vulnerabilities,
		Suppressed:      r.Suppressed,
		Fixes:           r.Fixes,
		Summary:         r.Summary,
		Verdict:         r.Verdict,
		Unsupported:     r.Unsupported,
		Warnings:        r.SBOM.Warnings,
		SBOM:            r.SBOM,
		Database:        report.Database{Built: r.Database.Built, Updated: r.Database.Updated},
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
