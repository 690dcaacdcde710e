package sbom

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strings"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
	spdx "github.com/spdx/tools-golang/spdx/v2/v2_3"
)

// encodeSPDX writes SPDX 2.3 JSON with tools-golang, the SPDX project's own
// Go library. Packages carry their purl as an external reference, which is
// all a reader needs to scan them again.
func encodeSPDX(w io.Writer, s *SBOM, opts WriteOptions) error {
	ts := opts.time()
	sum := sha256.Sum256([]byte(s.Source.Target + s.Source.ImageID + ts.String()))
	doc := &spdx.Document{
		SPDXVersion:       spdx.Version,
		DataLicense:       spdx.DataLicense,
		SPDXIdentifier:    "DOCUMENT",
		DocumentName:      s.Source.Target,
		DocumentNamespace: "https://bulwark.invalid/spdx/" + hex.EncodeToString(sum[:16]),
		CreationInfo: &spdx.CreationInfo{
			Creators: []common.Creator{{CreatorType: "Tool", Creator: "bulwark-" + opts.Version}},
			Created:  ts.Format("2006-01-02T15:04:05Z"),
		},
	}
	root := &spdx.Package{
		PackageName: s.Source.Target, PackageSPDXIdentifier: "Subject", PackageVersion: s.Source.ImageID,
		PackageDownloadLocation: "NOASSERTION", PrimaryPackagePurpose: "CONTAINER",
	}
	doc.Packages = append(doc.Packages, root)
	doc.Relationships = append(doc.Relationships, &spdx.Relationship{
		RefA: common.MakeDocElementID("", "DOCUMENT"), RefB: common.MakeDocElementID("", "Subject"), Relationship: "DESCRIBES"})
	for i := range s.Packages {
		p := spdxPackage(&s.Packages[i])
		doc.Packages = append(doc.Packages, p)
		doc.Relationships = append(doc.Relationships, &spdx.Relationship{
			RefA: common.MakeDocElementID("", "Subject"), RefB: common.MakeDocElementID("", string(p.PackageSPDXIdentifier)), Relationship: "CONTAINS"})
	}
	if err := spdxjson.Write(doc, w, spdxjson.Indent("  ")); err != nil {
		return fmt.Errorf("write SPDX: %w", err)
	}
	return nil
}

var spdxIDUnsafe = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

func spdxPackage(p *Package) *spdx.Package {
	sp := &spdx.Package{
		PackageName:             p.Name,
		PackageSPDXIdentifier:   common.ElementID("Package-" + spdxIDUnsafe.ReplaceAllString(string(p.Type)+"-"+p.Name, "-") + "-" + p.ID),
		PackageVersion:          p.Version,
		PackageDownloadLocation: "NOASSERTION",
		PackageLicenseConcluded: "NOASSERTION",
		PackageLicenseDeclared:  spdxLicense(p.Licenses),
		PackageCopyrightText:    "NOASSERTION",
		PrimaryPackagePurpose:   "LIBRARY",
		PackageExternalReferences: []*spdx.PackageExternalReference{
			{Category: "PACKAGE-MANAGER", RefType: "purl", Locator: p.PURL},
		},
	}
	if p.Source != nil && p.IsOS() {
		sp.PackageSourceInfo = fmt.Sprintf("built from source package %s %s", p.Source.Name, p.Source.Version)
	}
	if len(p.Locations) > 0 {
		var locs []string
		for _, l := range p.Locations {
			locs = append(locs, "/"+l.Path)
		}
		sp.PackageComment = "found at " + strings.Join(locs, ", ")
	}
	return sp
}

var spdxLicenseID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.+-]*$`)

// spdxLicense joins the licenses when each is a well-formed SPDX identifier
// or expression, and says NOASSERTION otherwise: a declared license must be
// valid SPDX, and free text (Debian's "GPL-2+ with exception") is not.
func spdxLicense(ls []string) string {
	if len(ls) == 0 {
		return "NOASSERTION"
	}
	var parts []string
	for _, l := range ls {
		for tok := range strings.FieldsSeq(strings.NewReplacer("(", " ", ")", " ").Replace(l)) {
			if tok != "AND" && tok != "OR" && tok != "WITH" && !spdxLicenseID.MatchString(tok) {
				return "NOASSERTION"
			}
		}
		if strings.ContainsRune(l, ' ') {
			l = "(" + l + ")"
		}
		parts = append(parts, l)
	}
	return strings.Join(parts, " AND ")
}

// decodeSPDX reads an SPDX 2.x JSON document; packages without a purl are
// left out, since nothing could match them.
func decodeSPDX(r io.Reader) (*SBOM, error) {
	doc, err := spdxjson.Read(r)
	if err != nil {
		return nil, fmt.Errorf("SPDX: %w", err)
	}
	s := &SBOM{Source: SourceInfo{Target: doc.DocumentName}}
	for _, sp := range doc.Packages {
		if sp.PrimaryPackagePurpose == "CONTAINER" || sp.PrimaryPackagePurpose == "OPERATING-SYSTEM" {
			s.Source.ImageID = firstNonEmpty(s.Source.ImageID, sp.PackageVersion)
			continue
		}
		for _, ref := range sp.PackageExternalReferences {
			if ref.RefType != "purl" {
				continue
			}
			p := Package{Name: sp.PackageName, Version: sp.PackageVersion, ID: strings.TrimPrefix(string(sp.PackageSPDXIdentifier), "Package-")}
			if i := strings.LastIndexByte(p.ID, '-'); i >= 0 {
				p.ID = p.ID[i+1:]
			}
			if lic := sp.PackageLicenseDeclared; lic != "" && lic != "NOASSERTION" && lic != "NONE" {
				p.Licenses = []string{lic}
			}
			packageFromPURL(&p, ref.Locator)
			s.Packages = append(s.Packages, p)
			break
		}
	}
	return s, nil
}
