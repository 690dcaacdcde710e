package vulndb

import "strings"

// EcosystemKey is the form of an ecosystem that the store files advisories
// under: OSV's name with Ubuntu's ":LTS" suffix dropped, so that a scan's
// "Ubuntu:22.04" finds "Ubuntu:22.04:LTS" records.
func EcosystemKey(eco string) string {
	return strings.TrimSuffix(eco, ":LTS")
}

// BaseEcosystem is the ecosystem without its release: "Debian" for
// "Debian:12".
func BaseEcosystem(eco string) string {
	base, _, _ := strings.Cut(eco, ":")
	return base
}

// NormalizeName is the form of a package name that the store files
// advisories under, so that spellings the ecosystem treats as one name
// match: PEP 503 for PyPI, case-insensitive NuGet and Packagist names,
// crates.io's case- and -/_-insensitive names.
func NormalizeName(eco, name string) string {
	switch BaseEcosystem(eco) {
	case "PyPI":
		return pep503(name)
	case "NuGet", "Packagist":
		return strings.ToLower(name)
	case "crates.io":
		return strings.ReplaceAll(strings.ToLower(name), "_", "-")
	}
	return name
}

// pep503 lowercases name and folds runs of "-", "_" and "." into one "-".
func pep503(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	sep := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '-' || c == '_' || c == '.':
			sep = true
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		b.WriteByte(c)
	}
	return b.String()
}
