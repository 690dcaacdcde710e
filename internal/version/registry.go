package version

import "strings"

// schemes lists every version scheme, by name.
var schemes = []Scheme{
	Dpkg{}, RPM{}, APK{},
	Semver{}, Go{}, PEP440{}, Maven{}, Gem{}, NuGet{}, Composer{},
}

// Lookup returns the scheme with the given name, or nil.
func Lookup(name string) Scheme {
	for _, s := range schemes {
		if s.Name() == name {
			return s
		}
	}
	return nil
}

// ecosystemSchemes maps an OSV ecosystem (without its release) to the
// scheme its versions follow.
var ecosystemSchemes = map[string]string{
	"Debian": "dpkg", "Ubuntu": "dpkg",
	"Alpine": "apk", "Wolfi": "apk", "Chainguard": "apk",
	"Red Hat": "rpm", "Rocky Linux": "rpm", "AlmaLinux": "rpm", "SUSE": "rpm", "openSUSE": "rpm",
	"Azure Linux": "rpm", "CBL-Mariner": "rpm", "Amazon Linux": "rpm", "Fedora": "rpm", "CentOS": "rpm",
	"Mageia": "rpm", "openEuler": "rpm",
	"Go":        "go",
	"npm":       "semver",
	"crates.io": "semver",
	"Bitnami":   "semver",
	"Hex":       "semver",
	"Pub":       "semver",
	"PyPI":      "pep440",
	"Maven":     "maven",
	"RubyGems":  "gem",
	"NuGet":     "nuget",
	"Packagist": "composer",
}

// ForEcosystem returns the scheme of an OSV ecosystem such as "Debian:12"
// or "PyPI", or nil when Bulwark has none for it.
func ForEcosystem(eco string) Scheme {
	base, _, _ := strings.Cut(eco, ":")
	return Lookup(ecosystemSchemes[base])
}

// SemverRange is the scheme OSV's SEMVER ranges use in every ecosystem.
func SemverRange() Scheme { return Lookup("semver") }
