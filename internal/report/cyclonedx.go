package report

import (
	"fmt"
	"io"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/match"
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
	byID := map[string]int{}
	var vulns []cdx.Vulnerability
	add := func(v match.Vulnerability, notAffected bool) {
		i, ok := byID[v.ID]
		if !ok {
			i = len(vulns)
			byID[v.ID] = i
			vulns = append(vulns, cdxVulnerability(v))
		}
		status := cdx.VulnerabilityStatusAffected
		if notAffected {
			status = cdx.VulnerabilityStatusNotAffected
			vulns[i].Analysis = &cdx.VulnerabilityAnalysis{State: cdx.IASNotAffected, Detail: v.Note}
		}
		aff := append(*vulns[i].Affects, cdx.Affects{Ref: v.Package.ID,
			Range: &[]cdx.AffectedVersions{{Version: v.Installed, Status: status}}})
		vulns[i].Affects = &aff
		if v.Fixed != "" {
			rec := fmt.Sprintf("Upgrade %s to %s.", v.Package.Name, v.Fixed)
			if !strings.Contains(vulns[i].Recommendation, rec) {
				vulns[i].Recommendation = strings.TrimSpace(vulns[i].Recommendation + " " + rec)
			}
		}
	}
	for _, v := range r.Vulnerabilities {
		add(v, false)
	}
	for _, v := range r.Suppressed {
		add(v, true)
	}
	bom.Vulnerabilities = &vulns
	return sbom.WriteCycloneDX(w, bom)
}

func cdxVulnerability(v match.Vulnerability) cdx.Vulnerability {
	out := cdx.Vulnerability{
		BOMRef:      v.ID,
		ID:          v.ID,
		Source:      &cdx.Source{Name: sourceName(v.ID)},
		Description: v.Title,
		Affects:     &[]cdx.Affects{},
	}
	if len(v.References) > 0 {
		out.Source.URL = v.References[0]
	}
	if len(v.Aliases) > 0 {
		refs := make([]cdx.VulnerabilityReference, 0, len(v.Aliases))
		for _, a := range v.Aliases {
			refs = append(refs, cdx.VulnerabilityReference{ID: a, Source: &cdx.Source{Name: sourceName(a)}})
		}
		out.References = &refs
	}
	rating := cdx.VulnerabilityRating{Severity: cdxSeverity(v.Rating.Severity), Method: cdx.ScoringMethodOther}
	if v.Rating.Source != "" {
		rating.Source = &cdx.Source{Name: v.Rating.Source}
	}
	if v.Rating.Vector != "" {
		score := v.Rating.Score
		rating.Score, rating.Vector, rating.Method = &score, v.Rating.Vector, scoringMethod(v.Rating.Vector)
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
