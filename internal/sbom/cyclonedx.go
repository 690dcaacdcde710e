package sbom

import (
	"fmt"
	"io"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// Property names under which Bulwark keeps what CycloneDX has no field for,
// so that an SBOM read back scans the same as the image.
const (
	propEcosystem = "bulwark:ecosystem"
	propLocation  = "bulwark:location"
	propSource    = "bulwark:source"
	propOwnedBy   = "bulwark:ownedBy"
	propID        = "bulwark:id"
	propDistro    = "bulwark:distro"
	propMetaPfx   = "bulwark:meta:"
)

// encodeCycloneDX writes CycloneDX 1.6 JSON with cyclonedx-go, the
// CycloneDX project's own Go library.
func encodeCycloneDX(w io.Writer, s *SBOM, opts WriteOptions) error {
	return WriteCycloneDX(w, CycloneDXBOM(s, opts))
}

// WriteCycloneDX writes bom as CycloneDX 1.6 JSON.
func WriteCycloneDX(w io.Writer, bom *cdx.BOM) error {
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return fmt.Errorf("write CycloneDX: %w", err)
	}
	return nil
}

// CycloneDXBOM builds the CycloneDX document of s: one component per
// package, with bom-ref the package ID, so that others (a vulnerability
// report) can point at them.
func CycloneDXBOM(s *SBOM, opts WriteOptions) *cdx.BOM {
	bom := cdx.NewBOM()
	bom.SpecVersion = cdx.SpecVersion1_6
	bom.Metadata = &cdx.Metadata{
		Timestamp: opts.time().Format("2006-01-02T15:04:05Z"),
		Tools:     &cdx.ToolsChoice{Components: &[]cdx.Component{{Type: cdx.ComponentTypeApplication, Name: "bulwark", Version: opts.Version}}},
		Component: cdxSubject(s),
	}
	comps := make([]cdx.Component, 0, len(s.Packages)+1)
	if s.Distro.ID != "" {
		comps = append(comps, cdx.Component{BOMRef: "os:" + s.Distro.ID, Type: cdx.ComponentTypeOS, Name: s.Distro.ID, Version: s.Distro.VersionID,
			Description: s.Distro.PrettyName, Properties: &[]cdx.Property{{Name: propDistro, Value: s.Distro.Codename}}})
	}
	for i := range s.Packages {
		comps = append(comps, cdxComponent(&s.Packages[i]))
	}
	bom.Components = &comps
	return bom
}

func cdxSubject(s *SBOM) *cdx.Component {
	c := &cdx.Component{BOMRef: "subject", Type: cdx.ComponentTypeContainer, Name: s.Source.Target, Version: s.Source.ImageID}
	if strings.HasPrefix(s.Source.Target, "dir:") {
		c.Type = cdx.ComponentTypeFile
	}
	var props []cdx.Property
	for _, l := range s.Source.Layers {
		props = append(props, cdx.Property{Name: "bulwark:layer", Value: l})
	}
	if s.Source.Digest != "" {
		props = append(props, cdx.Property{Name: "bulwark:digest", Value: s.Source.Digest})
	}
	if len(props) > 0 {
		c.Properties = &props
	}
	return c
}

func cdxComponent(p *Package) cdx.Component {
	c := cdx.Component{BOMRef: p.ID, Type: cdx.ComponentTypeLibrary, Name: p.Name, Version: p.Version, PackageURL: p.PURL}
	if g := p.Metadata["groupId"]; g != "" {
		c.Group = g
	}
	if len(p.Licenses) > 0 {
		ls := make(cdx.Licenses, 0, len(p.Licenses))
		for _, l := range p.Licenses {
			ls = append(ls, cdx.LicenseChoice{License: &cdx.License{Name: l}})
		}
		c.Licenses = &ls
	}
	props := []cdx.Property{{Name: propID, Value: p.ID}, {Name: propEcosystem, Value: p.Ecosystem}}
	for _, l := range p.Locations {
		props = append(props, cdx.Property{Name: propLocation, Value: l.Path + "|" + l.Layer})
	}
	if p.Source != nil {
		props = append(props, cdx.Property{Name: propSource, Value: p.Source.Name + "|" + p.Source.Version})
	}
	if p.OwnedBy != "" {
		props = append(props, cdx.Property{Name: propOwnedBy, Value: p.OwnedBy})
	}
	for _, k := range sortedKeys(p.Metadata) {
		if p.Metadata[k] != "" {
			props = append(props, cdx.Property{Name: propMetaPfx + k, Value: p.Metadata[k]})
		}
	}
	c.Properties = &props
	return c
}

// decodeCycloneDX reads a CycloneDX JSON document, Bulwark's or another
// tool's: packages come from purls, refined by Bulwark's properties.
func decodeCycloneDX(r io.Reader) (*SBOM, error) {
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(r, cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		return nil, fmt.Errorf("CycloneDX: %w", err)
	}
	s := &SBOM{}
	if m := bom.Metadata; m != nil && m.Component != nil {
		s.Source.Target, s.Source.ImageID = m.Component.Name, m.Component.Version
		for _, p := range cdxProps(m.Component) {
			switch p.Name {
			case "bulwark:layer":
				s.Source.Layers = append(s.Source.Layers, p.Value)
			case "bulwark:digest":
				s.Source.Digest = p.Value
			}
		}
	}
	if bom.Components != nil {
		cdxWalk(*bom.Components, s)
	}
	return s, nil
}

func cdxWalk(comps []cdx.Component, s *SBOM) {
	for i := range comps {
		c := &comps[i]
		switch {
		case c.Type == cdx.ComponentTypeOS:
			s.Distro = Distro{ID: c.Name, VersionID: c.Version, PrettyName: c.Description}
			for _, p := range cdxProps(c) {
				if p.Name == propDistro {
					s.Distro.Codename = p.Value
				}
			}
		case c.PackageURL != "":
			s.Packages = append(s.Packages, cdxPackage(c))
		}
		if c.Components != nil {
			cdxWalk(*c.Components, s)
		}
	}
}

func cdxPackage(c *cdx.Component) Package {
	p := Package{Name: c.Name, Version: c.Version, ID: c.BOMRef}
	if c.Licenses != nil {
		for _, l := range *c.Licenses {
			switch {
			case l.Expression != "":
				p.Licenses = append(p.Licenses, l.Expression)
			case l.License != nil:
				p.Licenses = append(p.Licenses, firstNonEmpty(l.License.ID, l.License.Name))
			}
		}
	}
	for _, pr := range cdxProps(c) {
		a, b, _ := strings.Cut(pr.Value, "|")
		switch {
		case pr.Name == propID:
			p.ID = pr.Value
		case pr.Name == propEcosystem:
			p.Ecosystem = pr.Value
		case pr.Name == propLocation:
			p.Locations = append(p.Locations, Location{Path: a, Layer: b})
		case pr.Name == propSource:
			p.Source = &Source{Name: a, Version: b}
		case pr.Name == propOwnedBy:
			p.OwnedBy = pr.Value
		case strings.HasPrefix(pr.Name, propMetaPfx):
			if p.Metadata == nil {
				p.Metadata = map[string]string{}
			}
			p.Metadata[strings.TrimPrefix(pr.Name, propMetaPfx)] = pr.Value
		}
	}
	packageFromPURL(&p, c.PackageURL)
	return p
}

func cdxProps(c *cdx.Component) []cdx.Property {
	if c.Properties == nil {
		return nil
	}
	return *c.Properties
}
