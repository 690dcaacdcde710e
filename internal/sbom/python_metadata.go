package sbom

import (
	"bufio"
	"errors"
	"io"
	"strings"
)

// pyMaxLicenseLen bounds a License field taken as a license name: longer
// values (and multi-line ones) are the license's full text, not its name.
const pyMaxLicenseLen = 100

// pyMetadata is what Bulwark reads from a distribution's core metadata, the
// METADATA file of a .dist-info or the PKG-INFO of an .egg-info.
type pyMetadata struct {
	Name              string
	Version           string
	License           string
	LicenseExpression string
	// LicenseClassifiers are the last parts of "License :: ..." trove
	// classifiers ("MIT License").
	LicenseClassifiers []string
}

// Licenses returns the most precise license statement the metadata holds: the
// SPDX License-Expression, else a short License field, else the license
// classifiers.
func (m *pyMetadata) Licenses() []string {
	switch {
	case m.LicenseExpression != "":
		return []string{m.LicenseExpression}
	case m.License != "":
		return []string{m.License}
	}
	return m.LicenseClassifiers
}

// pyParseMetadata reads the header block of core metadata: RFC 822-style
// "Key: value" lines, where a line starting with white space continues the
// one before and the first blank line starts the description.
func pyParseMetadata(r io.Reader) (pyMetadata, error) {
	var m pyMetadata
	err := pyEachHeader(r, m.set)
	return m, err
}

// set records one header; keys compare without case, as in e-mail.
func (m *pyMetadata) set(key, value string) {
	switch strings.ToLower(key) {
	case "name":
		pySetOnce(&m.Name, value)
	case "version":
		pySetOnce(&m.Version, value)
	case "license-expression":
		pySetOnce(&m.LicenseExpression, value)
	case "license":
		if pyLicenseName(value) {
			pySetOnce(&m.License, value)
		}
	case "classifier":
		m.addClassifier(value)
	}
}

// addClassifier keeps the specific license a trove classifier names, once.
func (m *pyMetadata) addClassifier(value string) {
	parts := strings.Split(value, "::")
	last := strings.TrimSpace(parts[len(parts)-1])
	if strings.TrimSpace(parts[0]) != "License" || len(parts) < 2 || last == "" || last == "OSI Approved" {
		return
	}
	for _, l := range m.LicenseClassifiers {
		if l == last {
			return
		}
	}
	m.LicenseClassifiers = append(m.LicenseClassifiers, last)
}

// pyLicenseName reports whether a License field is a name worth keeping.
func pyLicenseName(v string) bool {
	return v != "" && !strings.EqualFold(v, "UNKNOWN") && len(v) <= pyMaxLicenseLen &&
		!strings.Contains(v, "\n")
}

// pySetOnce keeps the first value a repeated header had.
func pySetOnce(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// pyEachHeader calls fn with every header of the block that starts r, its
// continuation lines joined with "\n" and the value trimmed.
func pyEachHeader(r io.Reader, fn func(key, value string)) error {
	br := bufio.NewReader(r)
	var key, value string
	flush := func() {
		if key != "" {
			fn(key, strings.TrimSpace(value))
		}
		key = ""
	}
	for {
		line, err := br.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		line = strings.TrimRight(line, "\r\n")
		if key != "" && line != "" && (line[0] == ' ' || line[0] == '\t') {
			value += "\n" + strings.TrimSpace(line)
		} else {
			flush()
			if strings.TrimSpace(line) == "" {
				return nil
			}
			key, value, _ = strings.Cut(line, ":")
			key = strings.TrimSpace(key)
		}
		if err != nil {
			flush()
			return nil
		}
	}
}
