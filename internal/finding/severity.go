package finding

import (
	"fmt"
	"strings"
)

// Severity grades a Finding. The zero value is SeverityUnknown.
type Severity int

// Severities from least to most severe, so that they compare with < and >.
const (
	SeverityUnknown Severity = iota
	SeverityInformational
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"unknown", "informational", "low", "medium", "high", "critical"}

// String returns the lower-case name of s.
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return "unknown"
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name, case-insensitively; "info",
// "negligible" and "none" are accepted as informational.
func ParseSeverity(name string) (Severity, error) {
	switch n := strings.ToLower(strings.TrimSpace(name)); n {
	case "info", "negligible", "none":
		return SeverityInformational, nil
	default:
		for i, s := range severityNames {
			if s == n {
				return Severity(i), nil
			}
		}
	}
	return SeverityUnknown, fmt.Errorf("unknown severity %q (want one of %s)", name, strings.Join(severityNames[1:], ", "))
}

// MarshalText writes the severity as its name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil && string(b) != "unknown" {
		return err
	}
	*s = v
	return nil
}
