// Package sbom lists the packages inside an image or directory: one
// Cataloger per ecosystem (dpkg, apk, rpm, Go binaries, npm, Python, Java,
// Ruby, Rust, PHP, .NET), run over one squashed file system, and writes and
// reads the result as CycloneDX, SPDX or Bulwark's own JSON.
package sbom

// Type is the kind of a package, named as package URLs name them.
type Type string

// The package types Bulwark catalogs.
const (
	TypeDeb      Type = "deb"
	TypeAPK      Type = "apk"
	TypeRPM      Type = "rpm"
	TypeGo       Type = "golang"
	TypeNPM      Type = "npm"
	TypePython   Type = "pypi"
	TypeJava     Type = "maven"
	TypeGem      Type = "gem"
	TypeRust     Type = "cargo"
	TypeComposer Type = "composer"
	TypeNuGet    Type = "nuget"
)

// Package is one installed or declared package.
type Package struct {
	// ID is stable for the same package at the same place in the same image.
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
	Type    Type   `json:"type"`
	// Ecosystem is the OSV ecosystem the package's advisories are filed
	// under ("Debian:12", "Alpine:v3.20", "Go", "npm", "PyPI", "Maven", ...).
	Ecosystem string     `json:"ecosystem,omitempty"`
	PURL      string     `json:"purl"`
	Licenses  []string   `json:"licenses,omitempty"`
	Locations []Location `json:"locations"`
	// Arch is the package's architecture, where it records one.
	Arch string `json:"arch,omitempty"`
	// Source is the source package an OS package was built from (Debian
	// source, apk origin, rpm source rpm). Advisories name sources.
	Source *Source `json:"source,omitempty"`
	// Files are the paths an OS package owns, canonical, without leading "/".
	Files []string `json:"files,omitempty"`
	// OwnedBy is the ID of the OS package that owns this language package's
	// files (Debian's python3-requests owns a requests dist-info).
	OwnedBy string `json:"ownedBy,omitempty"`
	// Metadata holds what a cataloger recorded beyond the fields above
	// (epoch, release, Go version, main module...).
	Metadata map[string]string `json:"metadata,omitempty"`
}

// Location is where a package was found: a path in the image, without a
// leading "/", and the diff ID of the layer that wrote it.
type Location struct {
	Path  string `json:"path"`
	Layer string `json:"layer,omitempty"`
}

// Source is a source package.
type Source struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// IsOS reports whether the package came from the distribution's package
// manager.
func (p *Package) IsOS() bool {
	return p.Type == TypeDeb || p.Type == TypeAPK || p.Type == TypeRPM
}
