package sbom

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
)

// npmPackage builds an npm package found at path. A scoped name
// ("@babel/core") becomes the package URL's namespace and name.
func npmPackage(name, version, path string, licenses []string) Package {
	ns, short := "", name
	if scope, rest, ok := strings.Cut(name, "/"); ok && strings.HasPrefix(name, "@") {
		ns, short = scope, rest
	}
	return Package{
		Name:      name,
		Version:   version,
		Type:      TypeNPM,
		Ecosystem: "npm",
		PURL:      purlFor(TypeNPM, ns, short, version, nil),
		Licenses:  licenses,
		Locations: []Location{{Path: path}},
	}
}

// npmSplitSpec splits "name@rest" at the "@" that ends the name; a scoped
// name's leading "@" is part of it. ok is false when there is no such "@".
func npmSplitSpec(spec string) (name, rest string, ok bool) {
	if len(spec) < 2 {
		return "", "", false
	}
	i := strings.IndexByte(spec[1:], '@')
	if i < 0 {
		return "", "", false
	}
	return spec[:i+1], spec[i+2:], true
}

// npmLicenses reads a package.json or lockfile "license" value (an SPDX
// string, or the old {"type": ...} object) and the older "licenses" array.
func npmLicenses(license, licenses json.RawMessage) []string {
	var out []string
	if l := npmLicenseName(license); l != "" {
		out = append(out, l)
	}
	var list []json.RawMessage
	if json.Unmarshal(licenses, &list) == nil {
		for _, raw := range list {
			if l := npmLicenseName(raw); l != "" {
				out = append(out, l)
			}
		}
	}
	return out
}

// npmLicenseName reads one license: a string or an object with a type.
func npmLicenseName(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var obj struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(raw, &obj) == nil {
		return strings.TrimSpace(obj.Type)
	}
	return ""
}

// npmSort orders packages by name and version, so that a lockfile read from
// a map lists them the same way every time.
func npmSort(pkgs []Package) {
	slices.SortFunc(pkgs, func(a, b Package) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version))
	})
}
