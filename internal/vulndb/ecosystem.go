package vulndb

import "strings"

// EcosystemKey is the form of an ecosystem that the store files advisories
// under, the form a scan of an image's os-release gives:
//
//   - Ubuntu's ":LTS" suffix is dropped ("Ubuntu:22.04:LTS" is "Ubuntu:22.04");
//   - Red Hat's CPE-like names of the RHEL repositories become the major
//     release ("Red Hat:enterprise_linux:9::baseos" is "Red Hat:9"); add-on
//     products ("Red Hat:openstack:18.0::el9") keep their names;
//   - SUSE Linux Enterprise Server and openSUSE Leap become their
//     VERSION_ID ("SUSE:Linux Enterprise Server 15 SP5" is "SUSE:15.5",
//     "openSUSE:Leap 15.5" is "openSUSE:15.5").
func EcosystemKey(eco string) string {
	base, rest, ok := strings.Cut(eco, ":")
	if !ok {
		return eco
	}
	switch base {
	case "Ubuntu":
		return strings.TrimSuffix(eco, ":LTS")
	case "Red Hat":
		if v, ok := strings.CutPrefix(rest, "enterprise_linux:"); ok {
			v, _, _ = strings.Cut(v, ":")
			v, _, _ = strings.Cut(v, ".")
			return "Red Hat:" + v
		}
	case "SUSE":
		if v, ok := strings.CutPrefix(rest, "Linux Enterprise Server "); ok {
			major, sp, hasSP := strings.Cut(v, " SP")
			if hasSP {
				return "SUSE:" + major + "." + sp
			}
			return "SUSE:" + major
		}
	case "openSUSE":
		if v, ok := strings.CutPrefix(rest, "Leap "); ok {
			return "openSUSE:" + v
		}
	}
	return eco
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
