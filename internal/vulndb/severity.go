package vulndb

import (
	"cmp"
	"fmt"
	"strings"

	cvss20 "github.com/pandatix/go-cvss/20"
	cvss30 "github.com/pandatix/go-cvss/30"
	cvss31 "github.com/pandatix/go-cvss/31"
	cvss40 "github.com/pandatix/go-cvss/40"

	"github.com/bulwarksec/bulwark/internal/finding"
)

// Rating is the severity given to one finding, and where it came from.
type Rating struct {
	Severity finding.Severity `json:"severity"`
	// Score and Vector are the CVSS base score and vector used, when any
	// (reported even when a distro label set the severity).
	Score  float64 `json:"score,omitempty"`
	Vector string  `json:"vector,omitempty"`
	// Source says who rated: "debian", "ubuntu", "redhat", "ghsa", "nvd",
	// or the advisory's own ID prefix for its own vectors; "rater:ID"
	// ("nvd:CVE-2021-44906", "ghsa:GHSA-...") when the rating came from
	// another record, an alias of the advisory.
	Source string `json:"source,omitempty"`
}

// ScoreVector computes the base score of a CVSS vector: v2 (with or
// without the "(AV:...)" parentheses), v3.0, v3.1 or v4.0. The score is
// computed from the metrics, never taken from a label.
func ScoreVector(vector string) (float64, error) {
	v := strings.TrimSpace(vector)
	switch {
	case strings.HasPrefix(v, "CVSS:4.0/"):
		c, err := cvss40.ParseVector(v)
		if err != nil {
			return 0, fmt.Errorf("CVSS vector %q: %w", vector, err)
		}
		return c.Score(), nil
	case strings.HasPrefix(v, "CVSS:3.1/"):
		c, err := cvss31.ParseVector(v)
		if err != nil {
			return 0, fmt.Errorf("CVSS vector %q: %w", vector, err)
		}
		return c.BaseScore(), nil
	case strings.HasPrefix(v, "CVSS:3.0/"):
		c, err := cvss30.ParseVector(v)
		if err != nil {
			return 0, fmt.Errorf("CVSS vector %q: %w", vector, err)
		}
		return c.BaseScore(), nil
	default:
		v = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(v, "CVSS:2.0/"), "("), ")")
		c, err := cvss20.ParseVector(v)
		if err != nil {
			return 0, fmt.Errorf("CVSS vector %q: %w", vector, err)
		}
		return c.BaseScore(), nil
	}
}

// ScoreSeverity grades a CVSS base score: the v3/v4 bands (v2 scores are
// graded the same way, as NVD shows them beside v3).
func ScoreSeverity(score float64) finding.Severity {
	switch {
	case score >= 9.0:
		return finding.SeverityCritical
	case score >= 7.0:
		return finding.SeverityHigh
	case score >= 4.0:
		return finding.SeverityMedium
	case score > 0:
		return finding.SeverityLow
	}
	return finding.SeverityInformational
}

// LabelSeverity reads a vendor's severity word: Debian urgencies, Ubuntu
// priorities, Red Hat ratings, GHSA's levels. ok is false for words that
// grade nothing ("not yet assigned", "unknown").
func LabelSeverity(label string) (s finding.Severity, ok bool) {
	switch strings.ToLower(strings.TrimSuffix(strings.TrimSpace(label), "*")) {
	case "critical":
		return finding.SeverityCritical, true
	case "high", "important":
		return finding.SeverityHigh, true
	case "medium", "moderate":
		return finding.SeverityMedium, true
	case "low":
		return finding.SeverityLow, true
	case "negligible", "unimportant", "informational", "info", "none", "end-of-life":
		return finding.SeverityInformational, true
	}
	return finding.SeverityUnknown, false
}

// distroSources rate OS packages for their own distribution.
var distroSources = map[string]bool{"debian": true, "ubuntu": true, "redhat": true, "alpine": true, "suse": true}

// Rate grades one entry of adv by precedence: for OS packages the
// distro's own rating (the entry's, then the advisory's distro label);
// for language packages the advisory's own CVSS vector, then its label;
// then the first of aliased (the loaded records of adv's aliases, in the
// order to trust them: GHSA, then NVD's CVE; nil ones are skipped) that
// rates, whose Source is then "rater:ID" ("nvd:CVE-2021-44906"). Within a
// source a vector's computed score wins over a label, and CVSS v4 over v3
// over v2. The score and vector reported are the best vector found,
// whichever source set the severity.
func Rate(e Entry, adv *Advisory, aliased []*Advisory, osPackage bool) Rating {
	var own []Severity
	ownSource := ""
	if adv != nil {
		own, ownSource = adv.Severity, sourceOf(adv.ID)
	}
	ownVec, ownScore := bestVector(own)
	r := Rating{Vector: ownVec, Score: ownScore}
	// label is the first label of the entry, then of the advisory, from a
	// source accepted by keep.
	label := func(keep func(source string) bool) (finding.Severity, string, bool) {
		for _, list := range [][]Severity{e.Severity, own} {
			if sev, src, ok := firstLabel(list, keep); ok {
				return sev, cmp.Or(src, ownSource), true
			}
		}
		return finding.SeverityUnknown, "", false
	}
	distro := func(src string) bool { return osPackage && (src == "" || distroSources[src]) }
	if sev, src, ok := label(distro); ok {
		r.Severity, r.Source = sev, src
	} else if ownVec != "" {
		r.Severity, r.Source = ScoreSeverity(ownScore), ownSource
	} else if sev, src, ok := label(anyone); ok {
		r.Severity, r.Source = sev, src
	} else {
		r.Severity, r.Source = rateAliased(aliased)
	}
	if r.Vector == "" {
		r.Vector, r.Score = aliasedVector(aliased)
	}
	return r
}

func anyone(string) bool { return true }

// firstLabel is the first label in list from a source keep accepts.
func firstLabel(list []Severity, keep func(source string) bool) (finding.Severity, string, bool) {
	for _, s := range list {
		if s.Type != "label" || !keep(s.Source) {
			continue
		}
		if sev, ok := LabelSeverity(s.Score); ok {
			return sev, s.Source, true
		}
	}
	return finding.SeverityUnknown, "", false
}

// rateAliased grades by the first aliased record that rates (its best
// vector, else its label), naming it as the source.
func rateAliased(aliased []*Advisory) (finding.Severity, string) {
	for _, a := range aliased {
		if a == nil {
			continue
		}
		from := sourceOf(a.ID) + ":" + a.ID
		if vec, score := bestVector(a.Severity); vec != "" {
			return ScoreSeverity(score), from
		}
		if sev, _, ok := firstLabel(a.Severity, anyone); ok {
			return sev, from
		}
	}
	return finding.SeverityUnknown, ""
}

// aliasedVector is the best vector of the first aliased record with one.
func aliasedVector(aliased []*Advisory) (string, float64) {
	for _, a := range aliased {
		if a == nil {
			continue
		}
		if vec, score := bestVector(a.Severity); vec != "" {
			return vec, score
		}
	}
	return "", 0
}

// bestVector returns the newest-version CVSS vector in list that parses,
// with its score.
func bestVector(list []Severity) (string, float64) {
	for _, typ := range []string{"CVSS_V4", "CVSS_V3", "CVSS_V2"} {
		for _, s := range list {
			if s.Type != typ {
				continue
			}
			if score, err := ScoreVector(s.Score); err == nil {
				return s.Score, score
			}
		}
	}
	return "", 0
}

// sourceOf names the rater of an advisory's own ratings from its ID.
func sourceOf(id string) string {
	pfx, _, _ := strings.Cut(id, "-")
	switch pfx {
	case "GHSA":
		return "ghsa"
	case "DSA", "DLA", "DEBIAN":
		return "debian"
	case "USN", "UBUNTU":
		return "ubuntu"
	case "ALSA", "ALBA", "ALEA", "RHSA", "RLSA":
		return "redhat"
	case "ALPINE":
		return "alpine"
	case "CVE":
		return "nvd"
	}
	return strings.ToLower(pfx)
}
