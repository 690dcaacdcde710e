// Package vulndb is Bulwark's vulnerability database: advisories imported
// from OSV and from distro-native feeds (Debian security tracker, Alpine
// secdb) and NVD, stored on disk for fast lookup by (ecosystem, package
// name), replaced atomically on update.
package vulndb

import "time"

// Advisory is one vulnerability record, reduced to what matching and reports
// need. Every importer produces Advisories; OSV is the model.
type Advisory struct {
	ID string `json:"id"`
	// Aliases are other IDs of the same vulnerability (CVE, GHSA, DSA...),
	// OSV's aliases and related together.
	Aliases   []string  `json:"aliases,omitempty"`
	Summary   string    `json:"summary,omitempty"`
	Details   string    `json:"details,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Modified  time.Time `json:"modified,omitzero"`
	// Withdrawn records are removed, not stored.
	Withdrawn time.Time `json:"withdrawn,omitzero"`
	// Severity holds the record's own ratings: CVSS vectors and labels.
	Severity   []Severity `json:"severity,omitempty"`
	References []string   `json:"references,omitempty"`
	Affected   []Affected `json:"affected,omitempty"`
	// Source names the feed ("osv", "debian-tracker", "alpine-secdb",
	// "nvd").
	Source string `json:"source,omitempty"`
}

// Severity is one rating: a CVSS vector (Type "CVSS_V2", "CVSS_V3",
// "CVSS_V4", Score the vector string) or a label given by a vendor (Type
// "label", Score "high", "Important", "unimportant"...), with who gave it.
type Severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
	// Source is who rated: "nvd", "debian", "ubuntu", "redhat", "ghsa",
	// "alpine", or empty for the record's own feed.
	Source string `json:"source,omitempty"`
}

// Affected is one package an advisory affects, in one ecosystem.
type Affected struct {
	// Ecosystem is the OSV ecosystem, with release for distros
	// ("Debian:12", "Alpine:v3.20", "AlmaLinux:9", "Go", "PyPI").
	Ecosystem string `json:"ecosystem"`
	// Name as the ecosystem spells it; distros name source packages.
	Name     string   `json:"name"`
	Ranges   []Range  `json:"ranges,omitempty"`
	Versions []string `json:"versions,omitempty"`
	// Severity is a rating for this package only (Debian urgency, Ubuntu
	// priority), overriding the advisory's.
	Severity []Severity `json:"severity,omitempty"`
	// OS lists the operating systems the package is affected on (the Go
	// database's goos); empty means every one.
	OS []string `json:"os,omitempty"`
	// Status is set when the distro decided not to fix: "unimportant",
	// "no-dsa", "ignored", "end-of-life", "will-not-fix".
	Status string `json:"status,omitempty"`
}

// Range is an OSV range: events in order of version, of Type "ECOSYSTEM"
// or "SEMVER" (GIT ranges are not kept).
type Range struct {
	Type   string  `json:"type"`
	Events []Event `json:"events"`
}

// Event is one point of a Range; exactly one field is set. Introduced "0"
// means every version from the first.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}
