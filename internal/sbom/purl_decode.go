package sbom

import (
	"strings"

	"github.com/package-url/packageurl-go"
)

// ecosystemByPURLType names the OSV ecosystem of language package types.
var ecosystemByPURLType = map[Type]string{
	TypeGo: "Go", TypeNPM: "npm", TypePython: "PyPI", TypeJava: "Maven", TypeGem: "RubyGems",
	TypeRust: "crates.io", TypeComposer: "Packagist", TypeNuGet: "NuGet",
}

// packageFromPURL fills the type, name, version, ecosystem and source of a
// package read back from an SBOM, from its package URL.
func packageFromPURL(p *Package, purl string) {
	u, err := packageurl.FromString(purl)
	if err != nil {
		return
	}
	p.PURL = purl
	p.Type = Type(u.Type)
	if p.Name == "" {
		p.Name = u.Name
		if u.Namespace != "" && (p.Type == TypeGo || p.Type == TypeNPM || p.Type == TypeComposer) {
			p.Name = u.Namespace + "/" + u.Name
		}
	}
	if p.Version == "" {
		p.Version = u.Version
	}
	q := u.Qualifiers.Map()
	p.Arch = firstNonEmpty(p.Arch, q["arch"])
	if p.IsOS() {
		id, ver, _ := strings.Cut(q["distro"], "-")
		p.Ecosystem = firstNonEmpty(p.Ecosystem, osvDistroEcosystem(Distro{ID: firstNonEmpty(id, u.Namespace), VersionID: ver}))
		if p.Source == nil && p.Type == TypeRPM {
			p.Source = rpmSource(q["upstream"])
		}
		if p.Source == nil {
			p.Source = &Source{Name: firstNonEmpty(q["upstream"], p.Name), Version: p.Version}
		}
		return
	}
	p.Ecosystem = firstNonEmpty(p.Ecosystem, ecosystemByPURLType[p.Type])
	if u.Namespace != "" && p.Type == TypeJava {
		p.Metadata = map[string]string{"groupId": u.Namespace}
	}
}
