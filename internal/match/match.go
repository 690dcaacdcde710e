package match

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/version"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// Source is the vulnerability data matching reads (a *vulndb.DB).
type Source interface {
	Lookup(eco, name string) ([]vulndb.Entry, error)
	Advisory(id string) (*vulndb.Advisory, error)
}

// Options tune matching.
type Options struct {
	// MatchOwned also matches a language package that an OS package owns
	// (Debian's python3-requests owns a requests dist-info) as a language
	// package. By default only the owner's distro advisories apply: the
	// distro backports fixes without changing the upstream version.
	MatchOwned bool
}

// query is one lookup for a package: where, under which name, with which
// version.
type query struct {
	eco, name, installed, how string
}

// queries says how to look p up. Debian, Ubuntu and Alpine advisories name
// source packages; rpm advisories name either, so both are tried.
func queries(p *sbom.Package) []query {
	if p.Ecosystem == "" {
		return nil
	}
	switch p.Type {
	case sbom.TypeDeb, sbom.TypeAPK:
		if p.Source != nil && p.Source.Name != "" {
			v := p.Version
			if p.Type == sbom.TypeDeb && p.Source.Version != "" {
				v = p.Source.Version
			}
			return []query{{p.Ecosystem, p.Source.Name, v, "source"}}
		}
		return []query{{p.Ecosystem, p.Name, p.Version, "binary"}}
	case sbom.TypeRPM:
		q := []query{{p.Ecosystem, p.Name, p.Version, "binary"}}
		if p.Source != nil && p.Source.Name != "" && p.Source.Name != p.Name {
			q = append(q, query{p.Ecosystem, p.Source.Name, p.Version, "source"})
		}
		return q
	case sbom.TypeJava:
		g := p.Metadata["groupId"]
		if g == "" {
			return nil // an artifact ID alone names no Maven package
		}
		return []query{{p.Ecosystem, g + ":" + p.Name, p.Version, "package"}}
	}
	return []query{{p.Ecosystem, p.Name, p.Version, "package"}}
}

// Match finds the vulnerabilities of pkgs in src.
func Match(ctx context.Context, src Source, pkgs []sbom.Package, opts Options) (*Result, error) {
	m := &matcher{src: src, advs: map[string]*vulndb.Advisory{}}
	res := &Result{Unsupported: map[string]int{}}
	for i := range pkgs {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		p := &pkgs[i]
		res.Packages++
		if p.OwnedBy != "" && !opts.MatchOwned {
			res.Owned++
			continue
		}
		qs := queries(p)
		if len(qs) == 0 {
			res.Unsupported[cmp.Or(p.Ecosystem, string(p.Type))]++
			continue
		}
		scheme := version.ForEcosystem(p.Ecosystem)
		if scheme == nil {
			res.Unsupported[p.Ecosystem]++
			continue
		}
		found, err := m.pkg(p, qs, scheme)
		if err != nil {
			return nil, err
		}
		res.Vulnerabilities = append(res.Vulnerabilities, found...)
	}
	res.Vulnerabilities = foldCopies(res.Vulnerabilities)
	slices.SortFunc(res.Vulnerabilities, func(a, b Vulnerability) int {
		return cmp.Or(cmp.Compare(b.Rating.Severity, a.Rating.Severity),
			strings.Compare(a.Package.Name, b.Package.Name),
			strings.Compare(a.Package.ID, b.Package.ID),
			strings.Compare(a.ID, b.ID))
	})
	return res, nil
}

type matcher struct {
	src  Source
	advs map[string]*vulndb.Advisory
}

// advisory returns the record of id, cached for the run.
func (m *matcher) advisory(id string) (*vulndb.Advisory, error) {
	if a, ok := m.advs[id]; ok {
		return a, nil
	}
	a, err := m.src.Advisory(id)
	if err != nil {
		return nil, err
	}
	m.advs[id] = a
	return a, nil
}

func (m *matcher) pkg(p *sbom.Package, qs []query, scheme version.Scheme) ([]Vulnerability, error) {
	var out []Vulnerability
	seen := map[string]int{}
	for _, q := range qs {
		entries, err := m.src.Lookup(q.eco, q.name)
		if err != nil {
			return nil, err
		}
		if len(entries) == 0 {
			continue
		}
		iv, perr := scheme.Parse(q.installed)
		for _, e := range entries {
			if goos := p.Metadata["GOOS"]; len(e.OS) > 0 && goos != "" && !slices.Contains(e.OS, goos) {
				continue // affects other operating systems only (a Windows-only Go flaw in a Linux binary)
			}
			var vd verdict
			if perr != nil {
				vd = verdict{err: fmt.Errorf("installed version: %w", perr)}
				if slices.Contains(e.Versions, q.installed) {
					vd = verdict{affected: true}
				}
			} else {
				vd = evaluate(e, scheme, iv, q.installed)
			}
			if !vd.affected && vd.err == nil {
				continue
			}
			v, err := m.vulnerability(p, q, e, vd)
			if err != nil {
				return nil, err
			}
			if i, ok := seen[v.ID]; ok {
				out[i] = better(out[i], v)
				continue
			}
			seen[v.ID] = len(out)
			out = append(out, v)
		}
	}
	return foldAliases(out), nil
}

func (m *matcher) vulnerability(p *sbom.Package, q query, e vulndb.Entry, vd verdict) (Vulnerability, error) {
	adv, err := m.advisory(e.ID)
	if err != nil {
		return Vulnerability{}, err
	}
	if adv == nil {
		adv = &vulndb.Advisory{ID: e.ID}
	}
	aliased, err := m.aliased(adv, len(adv.Severity) == 0 && len(e.Severity) == 0)
	if err != nil {
		return Vulnerability{}, err
	}
	nvd := aliased[len(aliased)-1]
	v := Vulnerability{
		ID:      e.ID,
		Aliases: adv.Aliases,
		Package: PackageRef{ID: p.ID, Name: p.Name, Version: p.Version, Type: p.Type,
			Ecosystem: p.Ecosystem, PURL: p.PURL},
		Installed:  q.installed,
		Fixed:      vd.fixed,
		Rating:     vulndb.Rate(e, adv, aliased, p.IsOS()),
		Title:      title(adv, nvd),
		References: adv.References,
		MatchedBy:  fmt.Sprintf("%s/%s (%s)", q.eco, q.name, q.how),
	}
	if p.Source != nil {
		v.Package.Source = p.Source.Name
	}
	if len(p.Locations) > 0 {
		v.Path, v.Layer = p.Locations[0].Path, p.Locations[0].Layer
	}
	switch {
	case vd.err != nil:
		v.Status, v.Note = StatusUnknown, "could not compare versions: "+vd.err.Error()
	case v.Fixed != "":
		v.Status = StatusFixed
	case e.Status != "" && !strings.HasPrefix(e.Status, "informational"):
		v.Status, v.DistroStatus = StatusWontFix, e.Status
	default:
		v.Status = StatusAffected
		if strings.HasPrefix(e.Status, "informational") {
			v.Note = e.Status
		}
	}
	return v, nil
}

// aliased returns the loaded records of adv's aliases that may rate it,
// in the order Rate trusts them: its GHSA aliases (only when unrated, as
// nothing else reads them), then its CVE (always the last element, nil
// when not loaded; its description titles findings too).
func (m *matcher) aliased(adv *vulndb.Advisory, unrated bool) ([]*vulndb.Advisory, error) {
	var out []*vulndb.Advisory
	for _, id := range adv.Aliases {
		if !unrated || !strings.HasPrefix(id, "GHSA-") || id == adv.ID {
			continue
		}
		a, err := m.advisory(id)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	var nvd *vulndb.Advisory
	if cve := cveOf(adv); cve != "" && cve != adv.ID {
		var err error
		if nvd, err = m.advisory(cve); err != nil {
			return nil, err
		}
	}
	return append(out, nvd), nil
}

// cveOf returns the CVE an advisory is about: its ID or first CVE alias.
func cveOf(a *vulndb.Advisory) string {
	if strings.HasPrefix(a.ID, "CVE-") {
		return a.ID
	}
	for _, id := range a.Aliases {
		if strings.HasPrefix(id, "CVE-") {
			return id
		}
	}
	return ""
}

// title is the advisory's summary, or the first line of its details (or
// of NVD's description), shortened.
func title(a, nvd *vulndb.Advisory) string {
	t := a.Summary
	if t == "" {
		t, _, _ = strings.Cut(strings.TrimSpace(a.Details), "\n")
	}
	if t == "" && nvd != nil {
		t = nvd.Summary
	}
	if len(t) > 160 {
		t = t[:157] + "..."
	}
	return t
}

// better picks, of two findings of one advisory on one package (found by
// binary and by source name), the more useful: a fixed one, a compared
// one.
func better(a, b Vulnerability) Vulnerability {
	rank := func(v Vulnerability) int {
		switch v.Status {
		case StatusFixed:
			return 3
		case StatusAffected, StatusWontFix:
			return 2
		}
		return 1
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

// foldAliases keeps one finding when one advisory is an alias of another
// on the same package (GO-2022-0001 and GHSA-...): the one with a fix,
// else the first; the other's ID joins its aliases.
func foldAliases(vs []Vulnerability) []Vulnerability {
	if len(vs) < 2 {
		return vs
	}
	byID := map[string]int{}
	for i, v := range vs {
		byID[v.ID] = i
	}
	drop := map[int]bool{}
	for i := range vs {
		if drop[i] {
			continue
		}
		for _, al := range vs[i].Aliases {
			j, ok := byID[al]
			if !ok || j == i || drop[j] {
				continue
			}
			keep, gone := i, j
			if better(vs[j], vs[i]).ID == vs[j].ID && vs[j].Status != vs[i].Status {
				keep, gone = j, i
			}
			vs[keep].Aliases = joinIDs(vs[keep].Aliases, append([]string{vs[gone].ID}, vs[gone].Aliases...), vs[keep].ID)
			drop[gone] = true
			if gone == i {
				break
			}
		}
	}
	out := vs[:0]
	for i, v := range vs {
		if !drop[i] {
			out = append(out, v)
		}
	}
	return out
}

func joinIDs(a, b []string, self string) []string {
	out := slices.Clone(a)
	for _, id := range b {
		if id != self && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// foldCopies keeps one finding per advisory and package version when the
// same package is listed more than once (a package-lock entry and the
// installed node_modules copy it describes, or two copies of one jar):
// one flaw, one finding, with the other places in OtherPaths.
func foldCopies(vs []Vulnerability) []Vulnerability {
	type key struct{ id, eco, name, installed string }
	first := map[key]int{}
	out := vs[:0]
	for _, v := range vs {
		k := key{v.ID, vulndb.EcosystemKey(v.Package.Ecosystem), vulndb.NormalizeName(v.Package.Ecosystem, v.Package.Name), v.Installed}
		if i, ok := first[k]; ok {
			if v.Path != "" && v.Path != out[i].Path && !slices.Contains(out[i].OtherPaths, v.Path) {
				out[i].OtherPaths = append(out[i].OtherPaths, v.Path)
			}
			continue
		}
		first[k] = len(out)
		out = append(out, v)
	}
	return out
}
