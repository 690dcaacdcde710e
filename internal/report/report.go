// Package report renders scan results for people and tools: a table for
// the terminal, JSON, SARIF for code-scanning dashboards, and CycloneDX
// with its vulnerabilities section.
package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/bulwarksec/bulwark/internal/match"
	"github.com/bulwarksec/bulwark/internal/sbom"
)

// Image is the result of scanning one image for vulnerabilities.
type Image struct {
	Tool    string          `json:"tool"`
	Version string          `json:"version"`
	Created time.Time       `json:"created"`
	Target  sbom.SourceInfo `json:"target"`
	// Distro is the image's OS as os-release names it.
	Distro          string                `json:"distro,omitempty"`
	Packages        int                   `json:"packages"`
	Vulnerabilities []match.Vulnerability `json:"vulnerabilities"`
	// Suppressed are findings an ignore rule or VEX statement set aside.
	Suppressed []match.Vulnerability `json:"suppressed,omitempty"`
	// ExpiredIgnores are ignore rules past their expiry, no longer applied.
	ExpiredIgnores []string       `json:"expiredIgnores,omitempty"`
	Fixes          []match.Fix    `json:"fixes,omitempty"`
	Summary        match.Summary  `json:"summary"`
	Verdict        match.Verdict  `json:"verdict"`
	Database       Database       `json:"database"`
	Unsupported    map[string]int `json:"unsupported,omitempty"`
	Warnings       []string       `json:"warnings,omitempty"`
	// SBOM is what was scanned, for the CycloneDX output.
	SBOM *sbom.SBOM `json:"-"`
}

// Database says which vulnerability data a scan used.
type Database struct {
	Built   time.Time `json:"built"`
	Updated time.Time `json:"updated"`
	Sources []string  `json:"sources,omitempty"`
}

// Format is an output format of a vulnerability report.
type Format string

// The formats.
const (
	FormatTable     Format = "table"
	FormatJSON      Format = "json"
	FormatSARIF     Format = "sarif"
	FormatCycloneDX Format = "cyclonedx"
)

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case FormatTable, FormatJSON, FormatSARIF, FormatCycloneDX:
		return f, nil
	case "cyclonedx-json":
		return FormatCycloneDX, nil
	}
	return "", fmt.Errorf("unknown format %q (want table, json, sarif or cyclonedx)", s)
}

// Options tune rendering.
type Options struct {
	// Color uses ANSI colours in the table (on a terminal).
	Color bool
	// Now is the time the table's ages count from (default time.Now).
	Now time.Time
}

// Write renders r in format f.
func Write(w io.Writer, r *Image, f Format, opts Options) error {
	switch f {
	case FormatTable:
		return writeTable(w, r, opts)
	case FormatJSON:
		return writeJSON(w, r)
	case FormatSARIF:
		return writeSARIF(w, r)
	case FormatCycloneDX:
		return writeCycloneDX(w, r)
	}
	return fmt.Errorf("unknown format %q", f)
}
