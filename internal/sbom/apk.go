package sbom

import (
	"context"
	"io/fs"
	"path"
	"strings"
)

// apkCataloger reads Alpine's (and Wolfi's) package database,
// lib/apk/db/installed: one stanza of "K:value" lines per package.
type apkCataloger struct{}

var _ Cataloger = (*apkCataloger)(nil)

func newAPKCataloger() *apkCataloger { return &apkCataloger{} }

func (*apkCataloger) Name() string { return "apk" }

func (*apkCataloger) Match(name string, _ fs.FileMode) bool { return name == "lib/apk/db/installed" }

func (*apkCataloger) Catalog(ctx context.Context, in Input) ([]Package, error) {
	return eachManifest(ctx, in, func(p string, b []byte) ([]Package, error) {
		return apkParseInstalled(string(b), p, in.Distro), nil
	})
}

// apkParseInstalled reads an installed database. Owned files are the R:
// lines, each under the latest F: directory.
func apkParseInstalled(db, where string, d Distro) []Package {
	var out []Package
	var cur *Package
	dir := ""
	flush := func() {
		if cur != nil && cur.Name != "" && cur.Version != "" {
			out = append(out, apkFinish(*cur, where, d))
		}
		cur, dir = nil, ""
	}
	for line := range strings.SplitSeq(db, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			flush()
			continue
		}
		if len(line) < 2 || line[1] != ':' {
			continue
		}
		if cur == nil {
			cur = &Package{Type: TypeAPK}
		}
		k, v := line[0], line[2:]
		switch k {
		case 'P':
			cur.Name = v
		case 'V':
			cur.Version = v
		case 'A':
			cur.Arch = v
		case 'o':
			cur.Source = &Source{Name: v}
		case 'L':
			cur.Licenses = apkLicenses(v)
		case 'F':
			dir = v
		case 'R':
			cur.Files = append(cur.Files, path.Join(dir, v))
		}
	}
	flush()
	return out
}

func apkFinish(p Package, where string, d Distro) Package {
	if p.Source == nil {
		p.Source = &Source{Name: p.Name}
	}
	p.Source.Version = p.Version
	p.Ecosystem = osvDistroEcosystem(d)
	p.Locations = []Location{{Path: where}}
	p.PURL = purlFor(TypeAPK, purlDistroNamespace(d, "alpine"), p.Name, p.Version,
		map[string]string{"arch": p.Arch, "distro": purlDistro(d), "upstream": apkUpstream(p)})
	return p
}

func apkUpstream(p Package) string {
	if p.Source.Name == p.Name {
		return ""
	}
	return p.Source.Name
}

// apkLicenses splits an L: field; Alpine writes SPDX expressions
// ("MIT AND BSD-2-Clause") and older releases space-separated names.
func apkLicenses(v string) []string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	if strings.Contains(v, " AND ") || strings.Contains(v, " OR ") || strings.Contains(v, " WITH ") {
		return []string{v}
	}
	return strings.Fields(v)
}
