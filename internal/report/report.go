// Package report renders findings for people and tools: a table for the
// terminal, JSON, SARIF for code-scanning dashboards, JUnit XML for CI
// test reports, and (for images) CycloneDX with its vulnerabilities
// section. Every writer reads finding.Finding, so any engine's findings
// render the same way.
package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/match"
	"github.com/bulwarksec/bulwark/internal/sbom"
)

// Run is what one engine reported: the findings every writer renders
// (table, json, sarif, junit), and who made them.
type Run struct {
	Tool     string            `json:"tool"`
	Version  string            `json:"version"`
	Created  time.Time         `json:"created"`
	Findings []finding.Finding `json:"findings"`
}

// Image is the result of scanning one image for vulnerabilities: a Run
// whose findings are vulnerabilities, with what only an image scan has.
type Image struct {
	Run
	Target sbom.SourceInfo `json:"target"`
	// Distro is the image's OS as os-release names it.
	Distro   string `json:"distro,omitempty"`
	Packages int    `json:"packages"`
	// Suppressed are findings an ignore rule or VEX statement set aside.
	Suppressed []finding.Finding `json:"suppressed,omitempty"`
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

// Format is an output format of a report.
type Format string

// The formats.
const (
	FormatTable     Format = "table"
	FormatJSON      Format = "json"
	FormatSARIF     Format = "sarif"
	FormatCycloneDX Format = "cyclonedx"
	FormatJUnit     Format = "junit"
)

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case FormatTable, FormatJSON, FormatSARIF, FormatCycloneDX, FormatJUnit:
		return f, nil
	case "cyclonedx-json":
		return FormatCycloneDX, nil
	}
	return "", fmt.Errorf("unknown format %q (want table, json, sarif, junit or cyclonedx)", s)
}

// Options tune rendering.
type Options struct {
	// Color uses ANSI colours in the table (on a terminal).
	Color bool
	// Now is the time the table's ages count from (default time.Now).
	Now time.Time
}

// Write renders the image report r in format f.
func Write(w io.Writer, r *Image, f Format, opts Options) error {
	switch f {
	case FormatTable:
		return writeImageTable(w, r, opts)
	case FormatJSON:
		return writeImageJSON(w, r)
	case FormatSARIF:
		return writeSARIF(w, &r.Run, r.Target.Target)
	case FormatCycloneDX:
		return writeCycloneDX(w, r)
	}
	return WriteRun(w, &r.Run, f, opts)
}

// WriteRun renders any engine's findings in format f; CycloneDX, which
// describes an SBOM, is for image reports only.
func WriteRun(w io.Writer, r *Run, f Format, opts Options) error {
	switch f {
	case FormatTable:
		return writeRunTable(w, r, opts)
	case FormatJSON:
		return writeRunJSON(w, r)
	case FormatSARIF:
		return writeSARIF(w, r, "")
	case FormatJUnit:
		return writeJUnit(w, r)
	}
	return fmt.Errorf("format %q is not available for %s findings", f, r.Tool)
}
