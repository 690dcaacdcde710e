package main

import (
	"fmt"
	"strings"

	"github.com/bulwarksec/bulwark/internal/vulndb"
	"github.com/bulwarksec/bulwark/test/bench/benchrun"
)

// idsBulwark lists "package@version ID" per ecosystem from Bulwark's JSON
// report; a report that is missing or unreadable is an error.
func idsBulwark(path string) (map[string][]string, error) {
	var doc struct {
		Findings *[]struct {
			RuleID        string `json:"ruleID"`
			Vulnerability struct {
				Package struct{ Ecosystem, Name, Version string } `json:"package"`
			} `json:"vulnerability"`
		} `json:"findings"`
	}
	if err := benchrun.ReadJSON(path, &doc); err != nil {
		return nil, err
	}
	if doc.Findings == nil {
		return nil, fmt.Errorf("%s: no findings list: not a Bulwark report", path)
	}
	out := map[string][]string{}
	for _, f := range *doc.Findings {
		p := f.Vulnerability.Package
		e := vulndb.BaseEcosystem(p.Ecosystem)
		out[e] = append(out[e], p.Name+"@"+strings.TrimPrefix(p.Version, "v")+" "+f.RuleID)
	}
	return out, nil
}

// idsOSV is idsBulwark for osv-scanner's JSON output.
func idsOSV(path string) (map[string][]string, error) {
	var doc struct {
		Results *[]struct {
			Packages []struct {
				Package struct {
					Name      string `json:"name"`
					Version   string `json:"version"`
					Ecosystem string `json:"ecosystem"`
				} `json:"package"`
				Vulnerabilities []struct {
					ID string `json:"id"`
				} `json:"vulnerabilities"`
			} `json:"packages"`
		} `json:"results"`
	}
	if err := benchrun.ReadJSON(path, &doc); err != nil {
		return nil, err
	}
	if doc.Results == nil {
		return nil, fmt.Errorf("%s: no results list: not osv-scanner JSON", path)
	}
	out := map[string][]string{}
	for _, r := range *doc.Results {
		for _, p := range r.Packages {
			e := vulndb.BaseEcosystem(p.Package.Ecosystem)
			for _, v := range p.Vulnerabilities {
				out[e] = append(out[e], p.Package.Name+"@"+strings.TrimPrefix(p.Package.Version, "v")+" "+v.ID)
			}
		}
	}
	return out, nil
}

func count(ids map[string][]string) map[string]int {
	out := map[string]int{}
	for e, l := range ids {
		out[e] = len(l)
	}
	return out
}

// minus returns what a has and b does not.
func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}
