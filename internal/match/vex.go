package match

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	cyclonedx "github.com/CycloneDX/cyclonedx-go"
)

// VEXStatement says whether a vulnerability affects products, from an
// OpenVEX document or a CycloneDX VEX document.
type VEXStatement struct {
	// Vulnerability is an ID or alias.
	Vulnerability string
	// Products are purls (with or without version) or CycloneDX bom-refs;
	// empty means every product.
	Products []string
	// Status is OpenVEX's: not_affected, affected, fixed,
	// under_investigation (CycloneDX states are mapped to these).
	Status        string
	Justification string
	Source        string
}

// applies reports whether s sets v aside: not_affected or fixed, for v's
// package.
func (s VEXStatement) applies(v Vulnerability) bool {
	if s.Status != "not_affected" && s.Status != "fixed" {
		return false
	}
	if s.Vulnerability != v.ID && !slices.Contains(v.Aliases, s.Vulnerability) {
		return false
	}
	if len(s.Products) == 0 {
		return true
	}
	for _, p := range s.Products {
		if packageMatches(p, v.Package) {
			return true
		}
	}
	return false
}

// openVEX is the part of an OpenVEX document read.
type openVEX struct {
	Context    string `json:"@context"`
	Statements []struct {
		Vulnerability struct {
			Name    string   `json:"name"`
			ID      string   `json:"@id"`
			Aliases []string `json:"aliases"`
		} `json:"vulnerability"`
		Products []struct {
			ID            string `json:"@id"`
			Subcomponents []struct {
				ID string `json:"@id"`
			} `json:"subcomponents"`
		} `json:"products"`
		Status          string `json:"status"`
		Justification   string `json:"justification"`
		ImpactStatement string `json:"impact_statement"`
	} `json:"statements"`
}

// cdxVEX is the part of a CycloneDX document read: its vulnerabilities,
// in cyclonedx-go's types.
type cdxVEX struct {
	BOMFormat       string                    `json:"bomFormat"`
	Vulnerabilities []cyclonedx.Vulnerability `json:"vulnerabilities"`
}

// LoadVEX reads an OpenVEX or CycloneDX VEX document.
func LoadVEX(path string) ([]VEXStatement, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("VEX: %w", err)
	}
	var probe struct {
		Context   string `json:"@context"`
		BOMFormat string `json:"bomFormat"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("VEX %s: not JSON: %w", path, err)
	}
	switch {
	case strings.Contains(probe.Context, "openvex"):
		return parseOpenVEX(b, path)
	case probe.BOMFormat == "CycloneDX":
		return parseCycloneDXVEX(b, path)
	}
	return nil, fmt.Errorf("VEX %s: neither OpenVEX (@context) nor CycloneDX (bomFormat)", path)
}

func parseOpenVEX(b []byte, path string) ([]VEXStatement, error) {
	var doc openVEX
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("OpenVEX %s: %w", path, err)
	}
	var out []VEXStatement
	for i, s := range doc.Statements {
		where := fmt.Sprintf("%s statement %d", path, i+1)
		id := s.Vulnerability.Name
		if id == "" {
			id = s.Vulnerability.ID
		}
		if id == "" {
			return nil, fmt.Errorf("%s: no vulnerability name", where)
		}
		switch s.Status {
		case "not_affected", "affected", "fixed", "under_investigation":
		default:
			return nil, fmt.Errorf("%s: unknown status %q", where, s.Status)
		}
		st := VEXStatement{Vulnerability: id, Status: s.Status,
			Justification: strings.TrimSpace(s.Justification + " " + s.ImpactStatement), Source: where}
		for _, p := range s.Products {
			if len(p.Subcomponents) == 0 {
				st.Products = append(st.Products, p.ID)
			}
			for _, sc := range p.Subcomponents {
				st.Products = append(st.Products, sc.ID)
			}
		}
		out = append(out, st)
		for _, al := range s.Vulnerability.Aliases {
			if al == "" {
				continue
			}
			alt := st
			alt.Vulnerability = al
			out = append(out, alt)
		}
	}
	return out, nil
}

func parseCycloneDXVEX(b []byte, path string) ([]VEXStatement, error) {
	var doc cdxVEX
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("CycloneDX VEX %s: %w", path, err)
	}
	var out []VEXStatement
	for i, v := range doc.Vulnerabilities {
		where := fmt.Sprintf("%s vulnerability %d", path, i+1)
		if v.ID == "" {
			return nil, fmt.Errorf("%s: no id", where)
		}
		var a cyclonedx.VulnerabilityAnalysis
		if v.Analysis != nil {
			a = *v.Analysis
		}
		status, ok := cdxStatus[a.State]
		if !ok {
			return nil, fmt.Errorf("%s: unknown analysis state %q", where, a.State)
		}
		st := VEXStatement{Vulnerability: v.ID, Status: status,
			Justification: strings.TrimSpace(string(a.Justification) + " " + a.Detail), Source: where}
		if v.Affects != nil {
			for _, af := range *v.Affects {
				st.Products = append(st.Products, af.Ref)
			}
		}
		out = append(out, st)
	}
	return out, nil
}

// cdxStatus maps CycloneDX analysis states to OpenVEX statuses.
var cdxStatus = map[cyclonedx.ImpactAnalysisState]string{
	cyclonedx.IASNotAffected:          "not_affected",
	cyclonedx.IASFalsePositive:        "not_affected",
	cyclonedx.IASResolved:             "fixed",
	cyclonedx.IASResolvedWithPedigree: "fixed",
	cyclonedx.IASExploitable:          "affected",
	cyclonedx.IASInTriage:             "under_investigation",
	"":                                "under_investigation",
}
