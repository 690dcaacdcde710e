package match

import (
	"fmt"
	"slices"

	"github.com/bulwarksec/bulwark/internal/version"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// verdict is what one advisory entry says about one installed version.
type verdict struct {
	affected bool
	// fixed is the lowest fixed version above the installed one.
	fixed string
	// err is set when a version could not be compared, so that the
	// entry may or may not apply.
	err error
}

// event is a parsed range event; zero marks introduced "0".
type event struct {
	kind string // introduced, fixed, last_affected, limit
	v    version.Version
	zero bool
}

// evaluate places v (raw as installed) in e's versions list and ranges, by
// OSV's rules: events sorted by version, introduced opens, fixed and limit
// close at their version, last_affected closes after it.
func evaluate(e vulndb.Entry, eco version.Scheme, v version.Version, raw string) verdict {
	var out verdict
	if slices.Contains(e.Versions, raw) {
		out.affected = true
	}
	for _, r := range e.Ranges {
		s := eco
		if r.Type == "SEMVER" && eco.Name() != "go" {
			s = version.SemverRange()
		}
		iv := v
		if s != eco {
			p, err := s.Parse(raw)
			if err != nil {
				out.err = fmt.Errorf("installed version: %w", err)
				continue
			}
			iv = p
		}
		affected, fixed, err := inRange(r.Events, s, iv)
		if err != nil {
			out.err = err
			continue
		}
		if affected {
			out.affected = true
			if fixed != nil && (out.fixed == "" || lower(eco, fixed.String(), out.fixed)) {
				out.fixed = fixed.String()
			}
		}
	}
	if !out.affected && len(e.Versions) > 0 && out.err == nil && v != nil {
		// An explicit list may spell a version differently ("1.0" vs "1.0.0").
		for _, lv := range e.Versions {
			if p, err := eco.Parse(lv); err == nil && p.Compare(v) == 0 {
				out.affected = true
				break
			}
		}
	}
	if out.affected {
		out.err = nil
	}
	return out
}

// inRange evaluates one range for v and returns the lowest fixed version
// above v when v is affected.
func inRange(evs []vulndb.Event, s version.Scheme, v version.Version) (bool, version.Version, error) {
	parsed := make([]event, 0, len(evs))
	for _, e := range evs {
		var ev event
		var raw string
		switch {
		case e.Introduced != "":
			ev.kind, raw = "introduced", e.Introduced
		case e.Fixed != "":
			ev.kind, raw = "fixed", e.Fixed
		case e.LastAffected != "":
			ev.kind, raw = "last_affected", e.LastAffected
		case e.Limit != "":
			ev.kind, raw = "limit", e.Limit
		default:
			continue
		}
		if ev.kind == "introduced" && raw == "0" {
			ev.zero = true
		} else if ev.kind == "limit" && raw == "*" {
			continue
		} else {
			p, err := s.Parse(raw)
			if err != nil {
				return false, nil, fmt.Errorf("advisory %s version: %w", ev.kind, err)
			}
			ev.v = p
		}
		parsed = append(parsed, ev)
	}
	slices.SortStableFunc(parsed, func(a, b event) int {
		switch {
		case a.zero && b.zero:
			return 0
		case a.zero:
			return -1
		case b.zero:
			return 1
		}
		return a.v.Compare(b.v)
	})
	affected := false
	var fixed version.Version
	for _, ev := range parsed {
		var c int // v compared with the event's version
		if ev.zero {
			c = 1
		} else {
			c = v.Compare(ev.v)
		}
		switch ev.kind {
		case "introduced":
			if c >= 0 {
				affected = true
			}
		case "fixed":
			if c >= 0 {
				affected = false
			} else if affected && fixed == nil {
				fixed = ev.v
			}
		case "last_affected":
			if c > 0 {
				affected = false
			}
		case "limit":
			if c >= 0 {
				affected = false
			}
		}
	}
	if !affected {
		fixed = nil
	}
	return affected, fixed, nil
}

// lower reports whether a sorts before b in s; a version that does not
// parse is not lower.
func lower(s version.Scheme, a, b string) bool {
	c, err := version.Compare(s, a, b)
	return err == nil && c < 0
}
