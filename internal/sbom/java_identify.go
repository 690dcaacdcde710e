package sbom

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"
)

// identify names the packages an archive is, from the most to the least
// reliable source: every pom.properties (a shaded jar holds many), else the
// manifest, else the file name.
func (w *javaWalker) identify(e javaEntries, loc string) ([]Package, error) {
	var errs []error
	manifest := map[string]string{}
	if e.manifest != nil {
		m, err := w.readManifest(e.manifest)
		errs = append(errs, javaEntryError(loc, e.manifest, err))
		manifest = m
	}
	pkgs, err := w.pomPackages(e.poms, loc)
	errs = append(errs, err)
	if len(pkgs) == 1 {
		pkgs[0].Licenses = javaLicenses(manifest)
	}
	if len(pkgs) == 0 {
		pkgs = javaFallbackPackage(manifest, loc)
	}
	return pkgs, errors.Join(errs...)
}

// pomPackages reads one package from each pom.properties, once each.
func (w *javaWalker) pomPackages(poms []*zip.File, loc string) ([]Package, error) {
	var pkgs []Package
	var errs []error
	seen := map[string]bool{}
	for _, f := range poms {
		b, err := w.read(f, javaMaxSmallEntry)
		if err != nil {
			errs = append(errs, javaEntryError(loc, f, err))
			continue
		}
		p, ok := javaPomPackage(f.Name, javaParseProperties(bytes.NewReader(b)), loc)
		if ok && !seen[p.PURL] {
			seen[p.PURL] = true
			pkgs = append(pkgs, p)
		}
	}
	return pkgs, errors.Join(errs...)
}

// readManifest inflates and parses a MANIFEST.MF.
func (w *javaWalker) readManifest(f *zip.File) (map[string]string, error) {
	b, err := w.read(f, javaMaxSmallEntry)
	if err != nil {
		return map[string]string{}, err
	}
	return javaParseManifest(bytes.NewReader(b)), nil
}

// javaEntryError names the entry of the archive at loc that err is about.
func javaEntryError(loc string, f *zip.File, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s:%s: %w", loc, f.Name, err)
}

// javaPackage builds a Maven package found at loc.
func javaPackage(group, artifact, version, loc string) Package {
	p := Package{
		Name:      artifact,
		Version:   version,
		Type:      TypeJava,
		Ecosystem: "Maven",
		PURL:      purlFor(TypeJava, group, artifact, version, nil),
		Locations: []Location{{Path: loc}},
	}
	if group != "" {
		p.Metadata = map[string]string{"groupId": group}
	}
	return p
}

// javaSplitFileName splits an archive's base name such as
// "jackson-core-2.14.1.jar" into artifact and version at the first "-"
// followed by a digit; the version is empty when there is none.
func javaSplitFileName(loc string) (artifact, version string) {
	base := path.Base(loc[strings.LastIndexByte(loc, ':')+1:])
	stem := strings.TrimSuffix(base, path.Ext(base))
	for i := 0; i+1 < len(stem); i++ {
		if stem[i] == '-' && '0' <= stem[i+1] && stem[i+1] <= '9' {
			return stem[:i], stem[i+1:]
		}
	}
	return stem, ""
}
