package vulndb

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// osvOut is the OSV form WriteOSVExport writes.
type osvOut struct {
	ID        string        `json:"id"`
	Modified  string        `json:"modified"`
	Published string        `json:"published,omitempty"`
	Withdrawn string        `json:"withdrawn,omitempty"`
	Aliases   []string      `json:"aliases,omitempty"`
	Summary   string        `json:"summary,omitempty"`
	Details   string        `json:"details,omitempty"`
	Affected  []osvAffected `json:"affected,omitempty"`
	Refs      []osvRef      `json:"references,omitempty"`
}

type osvAffected struct {
	Package struct {
		Ecosystem string `json:"ecosystem"`
		Name      string `json:"name"`
	} `json:"package"`
	Ranges   []Range  `json:"ranges,omitempty"`
	Versions []string `json:"versions,omitempty"`
}

type osvRef struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// WriteOSVExport writes advisories as an OSV export zip (one <ID>.json per
// record, as osv.dev publishes <Ecosystem>/all.zip), so that feeds OSV does
// not carry (an Alpine secdb, a Debian tracker list) can be given to OSV
// tools. Advisories with the same ID become one record with all their
// affected packages, in first-seen order.
func WriteOSVExport(w io.Writer, advs []Advisory) error {
	byID := map[string]*osvOut{}
	var order []string
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, a := range advs {
		rec := byID[a.ID]
		if rec == nil {
			rec = &osvOut{ID: a.ID, Modified: stamp(a.Modified), Published: stamp(a.Published), Withdrawn: stamp(a.Withdrawn),
				Aliases: a.Aliases, Summary: a.Summary, Details: a.Details}
			if rec.Modified == "" {
				rec.Modified = time.Unix(0, 0).UTC().Format(time.RFC3339) // OSV requires one
			}
			for _, u := range a.References {
				rec.Refs = append(rec.Refs, osvRef{Type: "WEB", URL: u})
			}
			byID[a.ID] = rec
			order = append(order, a.ID)
		}
		for _, af := range a.Affected {
			var out osvAffected
			out.Package.Ecosystem, out.Package.Name = af.Ecosystem, af.Name
			out.Ranges, out.Versions = af.Ranges, af.Versions
			rec.Affected = append(rec.Affected, out)
		}
	}
	zw := zip.NewWriter(w)
	for _, id := range order {
		f, err := zw.Create(id + ".json")
		if err != nil {
			return fmt.Errorf("OSV export: %w", err)
		}
		if err := json.NewEncoder(f).Encode(byID[id]); err != nil {
			return fmt.Errorf("OSV export %s: %w", id, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("OSV export: %w", err)
	}
	return nil
}
