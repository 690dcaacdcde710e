package sbom

import "strings"

// pyPackage builds a PyPI package found at path. The display name is kept as
// written; the package URL carries the PEP 503 normalized name, which is how
// PyPI and OSV identify the project.
func pyPackage(name, version, path string, licenses []string) Package {
	return Package{
		Name:      name,
		Version:   version,
		Type:      TypePython,
		Ecosystem: "PyPI",
		PURL:      purlFor(TypePython, "", pyNormalizeName(name), version, nil),
		Licenses:  licenses,
		Locations: []Location{{Path: path}},
	}
}

// pyNormalizeName lowercases name and replaces each run of "-", "_" and "."
// with one "-", as PEP 503 says.
func pyNormalizeName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	inRun := false
	for _, r := range strings.ToLower(name) {
		isSep := r == '-' || r == '_' || r == '.'
		if isSep && !inRun {
			b.WriteByte('-')
		}
		if !isSep {
			b.WriteRune(r)
		}
		inRun = isSep
	}
	return b.String()
}
