package sbom

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// dpkgCataloger reads Debian's package database: var/lib/dpkg/status, the
// per-package files of distroless images (var/lib/dpkg/status.d/), the file
// lists in var/lib/dpkg/info/*.list and the licenses in
// usr/share/doc/*/copyright.
type dpkgCataloger struct{}

var _ Cataloger = (*dpkgCataloger)(nil)

func newDpkgCataloger() *dpkgCataloger { return &dpkgCataloger{} }

func (*dpkgCataloger) Name() string { return "dpkg" }

func (*dpkgCataloger) Match(name string, mode fs.FileMode) bool {
	switch {
	case name == "var/lib/dpkg/status":
		return true
	case strings.HasPrefix(name, "var/lib/dpkg/status.d/"):
		return !strings.HasSuffix(name, ".md5sums")
	case strings.HasPrefix(name, "var/lib/dpkg/info/"):
		return strings.HasSuffix(name, ".list")
	case strings.HasPrefix(name, "usr/share/doc/"):
		return strings.HasSuffix(name, "/copyright") && strings.Count(name, "/") == 4
	}
	return false
}

func (c *dpkgCataloger) Catalog(ctx context.Context, in Input) ([]Package, error) {
	var pkgs []Package
	var errs []error
	lists, copyrights := map[string]string{}, map[string]string{}
	for _, p := range in.Paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		switch {
		case strings.HasSuffix(p, ".list"):
			lists[strings.TrimSuffix(path.Base(p), ".list")] = p
		case strings.HasSuffix(p, "/copyright"):
			copyrights[path.Base(path.Dir(p))] = p
		default:
			b, err := readFile(in.FS, p, maxManifestSize)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			pkgs = append(pkgs, dpkgParseStatus(b, p, in.Distro)...)
		}
	}
	for i := range pkgs {
		errs = append(errs, dpkgAttach(in.FS, &pkgs[i], lists, copyrights))
	}
	return pkgs, errors.Join(errs...)
}

// dpkgParseStatus reads the installed packages of a status file.
func dpkgParseStatus(b []byte, where string, d Distro) []Package {
	var out []Package
	deb822Stanzas(b, func(f map[string]string) {
		name, version := f["Package"], f["Version"]
		if name == "" || version == "" || !dpkgInstalled(f["Status"]) {
			return
		}
		src := &Source{Name: name, Version: version}
		if s := f["Source"]; s != "" {
			n, v, ok := strings.Cut(s, " ")
			src.Name = n
			if ok {
				src.Version = strings.Trim(strings.TrimSpace(v), "()")
			}
		}
		arch := f["Architecture"]
		out = append(out, Package{
			Name: name, Version: version, Type: TypeDeb, Arch: arch, Source: src,
			Ecosystem: osvDistroEcosystem(d),
			PURL:      purlFor(TypeDeb, purlDistroNamespace(d, "debian"), name, version, map[string]string{"arch": arch, "distro": purlDistro(d), "upstream": dpkgUpstream(name, src)}),
			Locations: []Location{{Path: where}},
		})
	})
	return out
}

// dpkgInstalled reads the Status field ("install ok installed"); distroless
// status.d files often have none, and what is listed there is installed.
func dpkgInstalled(status string) bool {
	f := strings.Fields(status)
	return len(f) == 0 || f[len(f)-1] == "installed"
}

func dpkgUpstream(name string, src *Source) string {
	if src.Name == name && src.Version != "" {
		return ""
	}
	return src.Name
}

// dpkgAttach adds the package's owned files and licenses.
func dpkgAttach(fsys fs.FS, p *Package, lists, copyrights map[string]string) error {
	lp, ok := lists[p.Name+":"+p.Arch]
	if !ok {
		lp, ok = lists[p.Name]
	}
	var errs []error
	if ok {
		b, err := readFile(fsys, lp, maxManifestSize)
		if err != nil {
			errs = append(errs, err)
		}
		p.Files = dpkgFiles(b)
	}
	if cp, ok := copyrights[p.Name]; ok {
		if b, err := readFile(fsys, cp, 4<<20); err == nil {
			p.Licenses = debianCopyrightLicenses(b)
		}
	}
	return errors.Join(errs...)
}

func dpkgFiles(b []byte) []string {
	var files []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "/")
		if f != "" && f != "." {
			files = append(files, f)
		}
	}
	return files
}

// debianCopyrightLicenses lists the License: short names of a
// machine-readable debian/copyright file, in order, without repeats.
func debianCopyrightLicenses(b []byte) []string {
	var out []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		v, ok := strings.CutPrefix(sc.Text(), "License:")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// osvDistroEcosystem names the OSV ecosystem of a distro's packages.
func osvDistroEcosystem(d Distro) string {
	names := map[string]string{
		"debian": "Debian", "ubuntu": "Ubuntu", "alpine": "Alpine", "rhel": "Red Hat",
		"rocky": "Rocky Linux", "almalinux": "AlmaLinux", "sles": "SUSE", "opensuse-leap": "openSUSE",
		"opensuse-tumbleweed": "openSUSE", "wolfi": "Wolfi", "chainguard": "Chainguard",
		"azurelinux": "Azure Linux", "mariner": "CBL-Mariner", "amzn": "Amazon Linux",
		"fedora": "Fedora", "centos": "CentOS",
	}
	n, ok := names[d.ID]
	if !ok {
		return ""
	}
	v := d.VersionID
	switch d.ID {
	case "debian", "rhel", "rocky", "almalinux":
		v, _, _ = strings.Cut(v, ".")
	case "alpine":
		if parts := strings.SplitN(v, ".", 3); len(parts) >= 2 {
			v = "v" + parts[0] + "." + parts[1]
		}
	case "wolfi", "chainguard":
		v = ""
	case "opensuse-tumbleweed":
		v = "Tumbleweed" // a rolling release: VERSION_ID is a date
	}
	if v == "" {
		return n
	}
	return fmt.Sprintf("%s:%s", n, v)
}

func purlDistroNamespace(d Distro, fallback string) string { return firstNonEmpty(d.ID, fallback) }

func purlDistro(d Distro) string {
	if d.ID == "" {
		return ""
	}
	return firstNonEmpty(strings.Trim(d.ID+"-"+d.VersionID, "-"))
}
