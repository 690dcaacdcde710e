package match

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/package-url/packageurl-go"
	"go.yaml.in/yaml/v3"
)

// IgnoreRule sets aside one vulnerability, optionally only in one package,
// for a reason, until an expiry date.
type IgnoreRule struct {
	// ID is the vulnerability ID or any of its aliases.
	ID string `yaml:"id" json:"id"`
	// Package, when set, limits the rule to a package: its name, or a purl
	// (without version for any version).
	Package string `yaml:"package,omitempty" json:"package,omitempty"`
	Reason  string `yaml:"reason,omitempty" json:"reason,omitempty"`
	// Expires ends the rule; after it the finding shows again and the
	// rule is reported as expired.
	Expires time.Time `yaml:"-" json:"expires,omitzero"`
	// Source is the file and line the rule came from.
	Source string `yaml:"-" json:"source,omitempty"`
}

// ignoreFile is the YAML form:
//
//	ignore:
//	  - id: CVE-2023-1234
//	    package: openssl
//	    reason: not reachable from our code
//	    expires: 2026-12-31
type ignoreFile struct {
	Ignore []struct {
		ID      string `yaml:"id"`
		Package string `yaml:"package"`
		Reason  string `yaml:"reason"`
		Expires string `yaml:"expires"`
		Line    int    `yaml:"-"`
	} `yaml:"ignore"`
}

// LoadIgnoreFile reads ignore rules: the YAML form above, or a plain list
// of IDs one per line ("#" starts a comment; "exp:2026-12-31" after an ID
// sets its expiry, as .trivyignore does).
func LoadIgnoreFile(path string) ([]IgnoreRule, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ignore file: %w", err)
	}
	if bytes.Contains(b, []byte("ignore:")) {
		return parseIgnoreYAML(b, path)
	}
	return parseIgnoreList(b, path)
}

func parseIgnoreYAML(b []byte, path string) ([]IgnoreRule, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("ignore file %s: %w", path, err)
	}
	var f ignoreFile
	if err := doc.Decode(&f); err != nil {
		return nil, fmt.Errorf("ignore file %s: %w", path, err)
	}
	var out []IgnoreRule
	for i, r := range f.Ignore {
		where := fmt.Sprintf("%s: rule %d", path, i+1)
		if strings.TrimSpace(r.ID) == "" {
			return nil, fmt.Errorf("%s: no id", where)
		}
		rule := IgnoreRule{ID: strings.TrimSpace(r.ID), Package: strings.TrimSpace(r.Package), Reason: r.Reason, Source: where}
		if r.Expires != "" {
			t, err := parseExpiry(r.Expires)
			if err != nil {
				return nil, fmt.Errorf("%s (%s): %w", where, r.ID, err)
			}
			rule.Expires = t
		}
		out = append(out, rule)
	}
	return out, nil
}

func parseIgnoreList(b []byte, path string) ([]IgnoreRule, error) {
	var out []IgnoreRule
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line, comment, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		rule := IgnoreRule{ID: fields[0], Reason: strings.TrimSpace(comment), Source: fmt.Sprintf("%s:%d", path, n)}
		for _, f := range fields[1:] {
			exp, ok := strings.CutPrefix(f, "exp:")
			if !ok {
				return nil, fmt.Errorf("%s: unexpected %q after the ID (want exp:YYYY-MM-DD)", rule.Source, f)
			}
			t, err := parseExpiry(exp)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", rule.Source, err)
			}
			rule.Expires = t
		}
		out = append(out, rule)
	}
	return out, sc.Err()
}

func parseExpiry(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", time.RFC3339} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			if layout == "2006-01-02" {
				t = t.Add(24*time.Hour - time.Nanosecond) // through the end of that day
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad expiry %q (want YYYY-MM-DD)", s)
}

// applies reports whether r covers v.
func (r IgnoreRule) applies(v Vulnerability) bool {
	if r.ID != v.ID && !slices.Contains(v.Aliases, r.ID) {
		return false
	}
	return r.Package == "" || packageMatches(r.Package, v.Package)
}

// packageMatches reports whether want (a name, a purl, or a purl without
// version) names p.
func packageMatches(want string, p PackageRef) bool {
	if !strings.HasPrefix(want, "pkg:") {
		return want == p.Name || want == p.Source || want == p.ID
	}
	w, err := packageurl.FromString(want)
	if err != nil {
		return false
	}
	have, err := packageurl.FromString(p.PURL)
	if err != nil {
		return false
	}
	if w.Type != have.Type || w.Namespace != have.Namespace || w.Name != have.Name {
		return false
	}
	return w.Version == "" || strings.EqualFold(w.Version, have.Version)
}

// Suppress sets aside the findings that ignore rules or VEX statements
// cover. Rules past their expiry are not applied and are returned as
// expired, for the report to warn about.
func Suppress(vs []Vulnerability, rules []IgnoreRule, vex []VEXStatement, now time.Time) (kept, suppressed []Vulnerability, expired []IgnoreRule) {
	var live []IgnoreRule
	for _, r := range rules {
		if !r.Expires.IsZero() && now.After(r.Expires) {
			expired = append(expired, r)
			continue
		}
		live = append(live, r)
	}
	for _, v := range vs {
		note := ""
		for _, r := range live {
			if r.applies(v) {
				note = "ignored by " + r.Source
				if r.Reason != "" {
					note += ": " + r.Reason
				}
				break
			}
		}
		if note == "" {
			for _, s := range vex {
				if s.applies(v) {
					note = fmt.Sprintf("VEX %s (%s)", s.Status, s.Source)
					if s.Justification != "" {
						note += ": " + s.Justification
					}
					break
				}
			}
		}
		if note == "" {
			kept = append(kept, v)
			continue
		}
		v.Status, v.Note = StatusNotAffected, note
		suppressed = append(suppressed, v)
	}
	return kept, suppressed, expired
}
