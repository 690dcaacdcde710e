package vulndb

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// osvRecord is the part of an OSV record (schema 1.x) that Bulwark keeps.
type osvRecord struct {
	ID        string   `json:"id"`
	Aliases   []string `json:"aliases"`
	Related   []string `json:"related"`
	Summary   string   `json:"summary"`
	Details   string   `json:"details"`
	Published string   `json:"published"`
	Modified  string   `json:"modified"`
	Withdrawn string   `json:"withdrawn"`
	Severity  []struct {
		Type  string `json:"type"`
		Score string `json:"score"`
	} `json:"severity"`
	Affected []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
		} `json:"package"`
		Severity []struct {
			Type  string `json:"type"`
			Score string `json:"score"`
		} `json:"severity"`
		Ranges []struct {
			Type   string  `json:"type"`
			Events []Event `json:"events"`
		} `json:"ranges"`
		Versions          []string        `json:"versions"`
		EcosystemSpecific json.RawMessage `json:"ecosystem_specific"`
		DatabaseSpecific  json.RawMessage `json:"database_specific"`
	} `json:"affected"`
	References []struct {
		URL string `json:"url"`
	} `json:"references"`
	DatabaseSpecific json.RawMessage `json:"database_specific"`
}

// ecosystemSpecific holds the per-ecosystem fields that carry a rating or a
// decision: Debian's urgency, RustSec's informational kind, GHSA's and
// Bitnami's severity label.
type ecosystemSpecific struct {
	Urgency       string `json:"urgency"`
	Informational string `json:"informational"`
	Severity      string `json:"severity"`
	// Imports are the Go database's affected packages, each maybe limited
	// to some operating systems.
	Imports []struct {
		GOOS []string `json:"goos"`
	} `json:"imports"`
}

// goosOf returns the operating systems the Go database limits an affected
// module to: the union over its imports when every import is limited,
// else none (affected everywhere).
func goosOf(es ecosystemSpecific) []string {
	var out []string
	for _, imp := range es.Imports {
		if len(imp.GOOS) == 0 {
			return nil
		}
		for _, g := range imp.GOOS {
			if !slices.Contains(out, g) {
				out = append(out, g)
			}
		}
	}
	return out
}

// ParseOSV reads one OSV record. name (a file or zip entry) is only used
// in errors. Ranges of type GIT are dropped; a record left with no
// affected package is still returned (it may carry aliases and severity).
func ParseOSV(b []byte, name string) (Advisory, error) {
	var r osvRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return Advisory{}, fmt.Errorf("%s: not an OSV record: %w", name, err)
	}
	if r.ID == "" {
		return Advisory{}, fmt.Errorf("%s: OSV record without an id", name)
	}
	a := Advisory{
		ID:      r.ID,
		Aliases: mergeIDs(r.ID, r.Aliases, r.Related),
		Summary: r.Summary,
		Details: r.Details,
		Source:  "osv",
	}
	var err error
	if a.Published, err = osvTime(r.Published); err != nil {
		return Advisory{}, fmt.Errorf("%s: %s: published: %w", name, r.ID, err)
	}
	if a.Modified, err = osvTime(r.Modified); err != nil {
		return Advisory{}, fmt.Errorf("%s: %s: modified: %w", name, r.ID, err)
	}
	if a.Withdrawn, err = osvTime(r.Withdrawn); err != nil {
		return Advisory{}, fmt.Errorf("%s: %s: withdrawn: %w", name, r.ID, err)
	}
	for _, s := range r.Severity {
		a.Severity = append(a.Severity, osvSeverity(s.Type, s.Score))
	}
	if l := specificSeverity(r.DatabaseSpecific); l != "" {
		a.Severity = append(a.Severity, Severity{Type: "label", Score: l, Source: labelSource(r.ID)})
	}
	if l := redHatRating(r.Summary); l != "" {
		a.Severity = append(a.Severity, Severity{Type: "label", Score: l, Source: "redhat"})
	}
	for _, ref := range r.References {
		if ref.URL != "" {
			a.References = append(a.References, ref.URL)
		}
	}
	for i, af := range r.Affected {
		if af.Package.Ecosystem == "" || af.Package.Name == "" {
			return Advisory{}, fmt.Errorf("%s: %s: affected[%d] names no package", name, r.ID, i)
		}
		out := Affected{Ecosystem: af.Package.Ecosystem, Name: af.Package.Name, Versions: af.Versions}
		for _, s := range af.Severity {
			out.Severity = append(out.Severity, osvSeverity(s.Type, s.Score))
		}
		var es ecosystemSpecific
		if len(af.EcosystemSpecific) > 0 {
			_ = json.Unmarshal(af.EcosystemSpecific, &es) // shapes vary; only known fields matter
		}
		if es.Urgency != "" {
			u := strings.TrimSuffix(es.Urgency, "*") // the tracker marks guessed urgencies with *
			switch u {
			case "unimportant", "end-of-life":
				out.Status = u
			}
			out.Severity = append(out.Severity, Severity{Type: "label", Score: u, Source: "debian"})
		}
		out.OS = goosOf(es)
		if es.Informational != "" {
			out.Status = "informational:" + es.Informational
		}
		if l := specificSeverity(af.DatabaseSpecific); l != "" {
			out.Severity = append(out.Severity, Severity{Type: "label", Score: l, Source: labelSource(r.ID)})
		}
		for j, rg := range af.Ranges {
			switch rg.Type {
			case "ECOSYSTEM", "SEMVER":
			case "GIT":
				continue
			default:
				return Advisory{}, fmt.Errorf("%s: %s: affected[%d].ranges[%d]: unknown range type %q", name, r.ID, i, j, rg.Type)
			}
			if err := checkEvents(rg.Events); err != nil {
				return Advisory{}, fmt.Errorf("%s: %s: affected[%d].ranges[%d]: %w", name, r.ID, i, j, err)
			}
			out.Ranges = append(out.Ranges, Range{Type: rg.Type, Events: rg.Events})
		}
		if len(out.Ranges) == 0 && len(out.Versions) == 0 {
			continue // only GIT ranges: nothing a package version can match
		}
		a.Affected = append(a.Affected, out)
	}
	return a, nil
}

// checkEvents requires one field per event.
func checkEvents(evs []Event) error {
	if len(evs) == 0 {
		return errors.New("range without events")
	}
	for k, e := range evs {
		n := 0
		for _, f := range []string{e.Introduced, e.Fixed, e.LastAffected, e.Limit} {
			if f != "" {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("event %d sets %d fields, want 1", k, n)
		}
	}
	return nil
}

func osvTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		// Some feeds omit the zone or the seconds' fraction format varies.
		for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
			if t2, err2 := time.Parse(layout, s); err2 == nil {
				return t2.UTC(), nil
			}
		}
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// osvSeverity maps an OSV severity entry: CVSS vectors keep their type;
// "Ubuntu" priorities become labels from ubuntu.
func osvSeverity(typ, score string) Severity {
	switch typ {
	case "CVSS_V2", "CVSS_V3", "CVSS_V4":
		return Severity{Type: typ, Score: score}
	case "Ubuntu":
		return Severity{Type: "label", Score: score, Source: "ubuntu"}
	}
	return Severity{Type: "label", Score: score, Source: strings.ToLower(typ)}
}

// specificSeverity reads a "severity" label from a database_specific or
// ecosystem_specific object (GHSA, Bitnami, ...).
func specificSeverity(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var es ecosystemSpecific
	if json.Unmarshal(raw, &es) != nil {
		return ""
	}
	return es.Severity
}

// labelSource guesses who gave a database_specific label from the ID.
func labelSource(id string) string {
	switch {
	case strings.HasPrefix(id, "GHSA-"):
		return "ghsa"
	case strings.HasPrefix(id, "BIT-"):
		return "bitnami"
	}
	return ""
}

// redHatRating reads the rating that Red Hat style errata (RHSA, ALSA,
// RLSA) put first in their summary: "Important: bcel security update".
func redHatRating(summary string) string {
	head, _, ok := strings.Cut(summary, ":")
	if !ok {
		return ""
	}
	switch head {
	case "Critical", "Important", "Moderate", "Low":
		return head
	}
	return ""
}

// mergeIDs returns aliases and related IDs without duplicates or self.
func mergeIDs(self string, lists ...[]string) []string {
	var out []string
	seen := map[string]bool{self: true}
	for _, l := range lists {
		for _, id := range l {
			if id != "" && !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}
