// Package match finds the known vulnerabilities of packages: each package
// of an SBOM is looked up in the vulnerability database under its ecosystem
// and name (OS packages under their source package), its version is placed
// in each advisory's ranges by its ecosystem's version scheme, and each hit
// becomes a Vulnerability with its fixed version, status and severity.
package match

import (
	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// Status says what can be done about a vulnerability.
type Status string

// The statuses of a Vulnerability.
const (
	// StatusFixed: a fixed version exists; upgrade to it.
	StatusFixed Status = "fixed"
	// StatusAffected: no fixed version yet.
	StatusAffected Status = "affected"
	// StatusWontFix: the distribution decided not to fix (Debian
	// "unimportant", "no-dsa", "ignored", "end-of-life"...).
	StatusWontFix Status = "wont-fix"
	// StatusUnknown: a version could not be compared, so the package may
	// or may not be affected; Note says why.
	StatusUnknown Status = "could-not-compare"
	// StatusNotAffected: a VEX statement or ignore rule says the finding
	// does not apply; kept only when asked for.
	StatusNotAffected Status = "not-affected"
)

// Vulnerability is one advisory that affects one package.
type Vulnerability struct {
	ID      string   `json:"id"`
	Aliases []string `json:"aliases,omitempty"`
	// Package is the affected package, as the SBOM lists it.
	Package PackageRef `json:"package"`
	// Installed is the version compared (an OS package's source version
	// when advisories name sources).
	Installed string `json:"installedVersion"`
	// Fixed is the lowest fixed version above Installed, when any.
	Fixed  string        `json:"fixedVersion,omitempty"`
	Status Status        `json:"status"`
	Rating vulndb.Rating `json:"rating"`
	Title  string        `json:"title,omitempty"`
	// References are links, the advisory's own first.
	References []string `json:"references,omitempty"`
	// Layer and Path locate the package in the image.
	Layer string `json:"layer,omitempty"`
	Path  string `json:"path,omitempty"`
	// OtherPaths are further places the same package version was found
	// (a lockfile and the installed copy it describes).
	OtherPaths []string `json:"otherPaths,omitempty"`
	// MatchedBy says how the package was found in the advisory: its
	// ecosystem and the name looked up ("Debian:12/openssl (source)").
	MatchedBy string `json:"matchedBy"`
	// DistroStatus is the distro's own word when it will not fix.
	DistroStatus string `json:"distroStatus,omitempty"`
	// Note explains a could-not-compare status or a VEX/ignore decision.
	Note string `json:"note,omitempty"`
}

// PackageRef identifies a package of the SBOM.
type PackageRef struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Version   string    `json:"version"`
	Type      sbom.Type `json:"type"`
	Ecosystem string    `json:"ecosystem,omitempty"`
	PURL      string    `json:"purl,omitempty"`
	// Source is an OS package's source package name.
	Source string `json:"source,omitempty"`
}

// Result is what matching an SBOM found.
type Result struct {
	Vulnerabilities []Vulnerability `json:"vulnerabilities"`
	// Packages counts the packages looked at; Unsupported those whose
	// ecosystem has no data or version scheme (by ecosystem); Owned those
	// skipped because an OS package owns them and is matched instead.
	Packages    int            `json:"packages"`
	Unsupported map[string]int `json:"unsupported,omitempty"`
	Owned       int            `json:"owned,omitempty"`
}
