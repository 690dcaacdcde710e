package report

import (
	"io"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/sbom"
)

// writeCycloneDX writes the scanned SBOM as CycloneDX 1.6 with its
// vulnerabilities section: one entry per advisory, affecting the packages
// (by bom-ref) it was found in, with its rating and the fix to take.
func writeCycloneDX(w io.Writer, r *Image) error {
	s := r.SBOM
	if s == nil {
		s = &sbom.SBOM{Source: r.Target}
	}
	bom := sbom.CycloneDXBOM(s, sbom.WriteOptions{Version: r.Version, Time: r.Created})
	vs := cdxVulnerabilities{byID: map[string]int{}}
	for _, f := range r.Findings {
		vs.add(f, false)
	}
	for _, f := range r.Suppressed {
		vs.add(f, true)
	}
	bom.Vulnerabilities = &vs.list
	return sbom.WriteCycloneDX(w, bom)
}

// cdxVulnerabilities gathers the findings of each advisory into one entry.
type cdxVulnerabilities struct {
	list []cdx.Vulnerability
	byID map[string]int
}

// add records the package of f as affected (or not) by its advisory.
// Findings without vulnerability detail have no place in CycloneDX.
func (c *cdxVulnerabilities) add(f finding.Finding, notAffected bool) {
	v := f.Vulnerability
	if v == nil {
		return
	}
	i, ok := c.byID[f.RuleID]
	if !ok {
		i = len(c.list)
		c.byID[f.RuleID] = i
		c.list = append(c.list, cdxVulnerability(f))
	}
	e := &c.list[i]
	status := cdx.VulnerabilityStatusAffected
	if notAffected {
		status = cdx.VulnerabilityStatusNotAffected
		e.Analysis = &cdx.VulnerabilityAnalysis{State: cdx.IASNotAffected, Detail: v.Note}
	}
	aff := append(*e.Affects, cdx.Affects{Ref: v.Package.ID,
		Range: &[]cdx.AffectedVersions{{Version: v.Installed, Status: status}}})
	e.Affects = &aff
	if f.Remediation != "" && !strings.Contains(e.Recommendation, f.Remediation) {
		e.Recommendation = strings.TrimSpace(e.Recommendation + " " + f.Remediation)
	}
}

func cdxVulnerability(f finding.Finding) cdx.Vulnerability {
	v := f.Vulnerability
	out := cdx.Vulnerability{
		BOMRef:      f.RuleID,
		ID:          f.RuleID,
		Source:      &cdx.Source{Name: sourceName(f.RuleID)},
		Description: f.Title,
		Affects:     &[]cdx.Affects{},
	}
	if len(f.References) > 0 {
		out.Source.URL = f.References[0]
	}
	if len(v.Aliases) > 0 {
		refs := make([]cdx.VulnerabilityReference, 0, len(v.Aliases))
		for _, a := range v.Aliases {
			refs = append(refs, cdx.VulnerabilityReference{ID: a, Source: &cdx.Source{Name: sourceName(a)}})
		}
		out.References = &refs
	}
	rating := cdx.VulnerabilityRating{Severity: cdxSeverity(f.Severity), Method: cdx.ScoringMethodOther}
	if v.RatedBy != "" {
		rating.Source = &cdx.Source{Name: v.RatedBy}
	}
	if v.Vector != "" {
		score := v.Score
		rating.Score, rating.Vector, rating.Method = &score, v.Vector, scoringMethod(v.Vector)
	}
	out.Ratings = &[]cdx.VulnerabilityRating{rating}
	return out
}

func scoringMethod(vector string) cdx.ScoringMethod {
	switch {
	case strings.HasPrefix(vector, "CVSS:4.0/"):
		return cdx.ScoringMethodCVSSv4
	case strings.HasPrefix(vector, "CVSS:3.1/"):
		return cdx.ScoringMethodCVSSv31
	case strings.HasPrefix(vector, "CVSS:3.0/"):
		return cdx.ScoringMethodCVSSv3
	}
	return cdx.ScoringMethodCVSSv2
}

func cdxSeverity(s finding.Severity) cdx.Severity {
	switch s {
	case finding.SeverityCritical:
		return cdx.SeverityCritical
	case finding.SeverityHigh:
		return cdx.SeverityHigh
	case finding.SeverityMedium:
		return cdx.SeverityMedium
	case finding.SeverityLow:
		return cdx.SeverityLow
	case finding.SeverityInformational:
		return cdx.SeverityInfo
	}
	return cdx.SeverityUnknown
}

// sourceName names the database an ID comes from.
func sourceName(id string) string {
	pfx, _, _ := strings.Cut(id, "-")
	switch pfx {
	case "CVE":
		return "NVD"
	case "GHSA":
		return "GitHub"
	case "GO":
		return "Go"
	case "PYSEC":
		return "PyPA"
	case "RUSTSEC":
		return "RustSec"
	case "DSA", "DLA", "DEBIAN":
		return "Debian"
	case "USN", "UBUNTU":
		return "Ubuntu"
	case "ALSA", "ALBA", "ALEA":
		return "AlmaLinux"
	case "ALPINE":
		return "Alpine"
	case "BIT":
		return "Bitnami"
	}
	return "OSV"
}
