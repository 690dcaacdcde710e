package match

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/version"
)

// Fix is the one upgrade that resolves a package's fixable findings.
type Fix struct {
	Package   PackageRef `json:"package"`
	Installed string     `json:"installedVersion"`
	// To is the highest of the findings' fixed versions: the single
	// version that fixes all of them.
	To string `json:"fixedVersion"`
	// Fixes are the IDs resolved by To; Open those that stay (no fix).
	Fixes []string `json:"fixes"`
	Open  []string `json:"open,omitempty"`
	// Highest is the most severe finding To resolves.
	Highest finding.Severity `json:"highestSeverity"`
}

// Remediate returns, per package with at least one fixed finding, the
// version that fixes them all, most severe first.
func Remediate(vs []Vulnerability) []Fix {
	type acc struct {
		fix Fix
		idx int
	}
	byPkg := map[string]*acc{}
	var order []string
	for _, v := range vs {
		if v.Status == StatusNotAffected {
			continue
		}
		key := v.Package.ID + "\x00" + v.Installed
		a := byPkg[key]
		if a == nil {
			a = &acc{fix: Fix{Package: v.Package, Installed: v.Installed}, idx: len(order)}
			byPkg[key] = a
			order = append(order, key)
		}
		if v.Status != StatusFixed {
			a.fix.Open = append(a.fix.Open, v.ID)
			continue
		}
		a.fix.Fixes = append(a.fix.Fixes, v.ID)
		a.fix.Highest = max(a.fix.Highest, v.Rating.Severity)
		if a.fix.To == "" || higher(v.Package.Ecosystem, v.Fixed, a.fix.To) {
			a.fix.To = v.Fixed
		}
	}
	var out []Fix
	for _, k := range order {
		if f := byPkg[k].fix; len(f.Fixes) > 0 {
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b Fix) int {
		return cmp.Or(cmp.Compare(b.Highest, a.Highest), cmp.Compare(len(b.Fixes), len(a.Fixes)),
			strings.Compare(a.Package.Name, b.Package.Name))
	})
	return out
}

// higher reports whether a sorts after b in eco's scheme.
func higher(eco, a, b string) bool {
	s := version.ForEcosystem(eco)
	if s == nil {
		return a > b
	}
	c, err := version.Compare(s, a, b)
	return err == nil && c > 0
}

// Counts are findings per severity.
type Counts map[finding.Severity]int

// Summary sums up a result for people and CI.
type Summary struct {
	Total int    `json:"total"`
	By    Counts `json:"bySeverity"`
	// Fixable counts findings with a fixed version.
	Fixable int `json:"fixable"`
	// Upgrades is how many packages to upgrade to fix all fixable
	// findings; HighCritical and HighCriticalFixed count the high and
	// critical findings and how many of them those upgrades fix.
	Upgrades          int `json:"upgrades"`
	HighCritical      int `json:"highCritical"`
	HighCriticalFixed int `json:"highCriticalFixed"`
}

// Summarize counts vs and its fixes.
func Summarize(vs []Vulnerability) Summary {
	s := Summary{By: Counts{}}
	for _, v := range vs {
		if v.Status == StatusNotAffected {
			continue
		}
		s.Total++
		s.By[v.Rating.Severity]++
		hc := v.Rating.Severity >= finding.SeverityHigh
		if hc {
			s.HighCritical++
		}
		if v.Status == StatusFixed {
			s.Fixable++
			if hc {
				s.HighCriticalFixed++
			}
		}
	}
	s.Upgrades = len(Remediate(vs))
	return s
}

// Line is the one-line remediation summary.
func (s Summary) Line() string {
	if s.Total == 0 {
		return "no known vulnerabilities"
	}
	if s.Upgrades == 0 {
		return fmt.Sprintf("%d vulnerabilities, none with a fix yet", s.Total)
	}
	pk := "packages"
	if s.Upgrades == 1 {
		pk = "package"
	}
	return fmt.Sprintf("upgrading %d %s fixes %d of %d high/critical (%d of %d in all)",
		s.Upgrades, pk, s.HighCriticalFixed, s.HighCritical, s.Fixable, s.Total)
}

// Policy decides whether an image is healthy.
type Policy struct {
	// Threshold is the lowest severity that makes an image unhealthy.
	Threshold finding.Severity `json:"threshold"`
	// FixedOnly counts only findings that have a fix.
	FixedOnly bool `json:"fixedOnly"`
}

// DefaultPolicy is unhealthy when any critical or high finding has a fix.
// It is a function so that no caller can change the default for others.
func DefaultPolicy() Policy { return Policy{Threshold: finding.SeverityHigh, FixedOnly: true} }

// Verdict is an image's health.
type Verdict struct {
	Healthy bool `json:"healthy"`
	// Reason names what made it unhealthy, or why it is healthy.
	Reason string `json:"reason"`
	// Offending counts the findings over the policy's line.
	Offending int `json:"offending"`
}

// Judge applies p to vs.
func (p Policy) Judge(vs []Vulnerability) Verdict {
	n := 0
	for _, v := range vs {
		if v.Status == StatusNotAffected || v.Rating.Severity < p.Threshold {
			continue
		}
		if p.FixedOnly && v.Status != StatusFixed {
			continue
		}
		n++
	}
	what := p.Threshold.String() + " or higher"
	if p.FixedOnly {
		what += " with a fix"
	}
	if n > 0 {
		return Verdict{Healthy: false, Offending: n, Reason: fmt.Sprintf("%d findings %s", n, what)}
	}
	return Verdict{Healthy: true, Reason: "no findings " + what}
}
