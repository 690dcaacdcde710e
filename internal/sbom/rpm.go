package sbom

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	rpmdb "github.com/knqyf263/go-rpmdb/pkg"
	_ "modernc.org/sqlite" // the database/sql driver ("sqlite") go-rpmdb opens rpmdb.sqlite with
)

// rpmCataloger reads the rpm database in any of its three formats:
// Berkeley DB (Packages: RHEL/CentOS 7 and 8, Amazon Linux 2), NDB
// (Packages.db: SUSE) and SQLite (rpmdb.sqlite: RHEL 9, Fedora 33+, Rocky,
// Alma, Azure Linux). go-rpmdb reads all three in pure Go and is what the
// other open-source scanners use; it needs a file on disk, so the database
// is copied out of the image to a temporary file first.
type rpmCataloger struct {
	tempDir string
}

var _ Cataloger = (*rpmCataloger)(nil)

func newRPMCataloger() *rpmCataloger { return &rpmCataloger{} }

func (*rpmCataloger) Name() string { return "rpm" }

var rpmDBDirs = []string{"var/lib/rpm/", "usr/lib/sysimage/rpm/", "usr/share/rpm/"}

func (*rpmCataloger) Match(name string, _ fs.FileMode) bool {
	for _, d := range rpmDBDirs {
		if rest, ok := strings.CutPrefix(name, d); ok {
			return rest == "Packages" || rest == "Packages.db" || rest == "rpmdb.sqlite"
		}
	}
	return false
}

func (c *rpmCataloger) Catalog(ctx context.Context, in Input) ([]Package, error) {
	return eachPath(ctx, in, func(p string) ([]Package, error) {
		found, err := c.readDB(in.FS, p, in.Distro)
		if err != nil {
			err = fmt.Errorf("%s: %w", p, err)
		}
		return found, err
	})
}

func (c *rpmCataloger) readDB(fsys fs.FS, name string, d Distro) ([]Package, error) {
	tmp, err := copyToTemp(fsys, name, c.tempDir)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	db, err := rpmdb.Open(tmp)
	if err != nil {
		return nil, fmt.Errorf("open rpm database: %w", err)
	}
	defer db.Close()
	infos, err := db.ListPackages()
	if err != nil {
		return nil, fmt.Errorf("list rpm packages: %w", err)
	}
	out := make([]Package, 0, len(infos))
	for _, info := range infos {
		out = append(out, rpmPackage(info, name, d))
	}
	return out, nil
}

func rpmPackage(info *rpmdb.PackageInfo, where string, d Distro) Package {
	version := info.Version + "-" + info.Release
	epoch := ""
	if info.Epoch != nil && *info.Epoch > 0 {
		epoch = strconv.Itoa(*info.Epoch)
		version = epoch + ":" + version
	}
	p := Package{
		Name: info.Name, Version: version, Type: TypeRPM, Arch: info.Arch,
		Ecosystem: osvDistroEcosystem(d),
		Source:    rpmSource(info.SourceRpm),
		Locations: []Location{{Path: where}},
		Metadata:  map[string]string{"release": info.Release, "vendor": info.Vendor, "modularityLabel": info.Modularitylabel},
	}
	if epoch != "" {
		p.Metadata["epoch"] = epoch
	}
	if info.License != "" {
		p.Licenses = []string{info.License}
	}
	if files, err := info.InstalledFileNames(); err == nil {
		for _, f := range files {
			p.Files = append(p.Files, strings.TrimPrefix(f, "/"))
		}
	}
	p.PURL = purlFor(TypeRPM, purlDistroNamespace(d, "redhat"), info.Name, info.Version+"-"+info.Release,
		map[string]string{"arch": info.Arch, "epoch": epoch, "distro": purlDistro(d), "upstream": info.SourceRpm})
	return p
}

// rpmSource splits a source rpm file name, name-version-release.src.rpm.
func rpmSource(srpm string) *Source {
	s := strings.TrimSuffix(strings.TrimSuffix(srpm, ".rpm"), ".src")
	s = strings.TrimSuffix(s, ".nosrc")
	i := strings.LastIndexByte(s, '-')
	if i <= 0 {
		return nil
	}
	j := strings.LastIndexByte(s[:i], '-')
	if j <= 0 {
		return nil
	}
	return &Source{Name: s[:j], Version: s[j+1:]}
}

// copyToTemp copies name out of fsys into a new temporary file.
func copyToTemp(fsys fs.FS, name, dir string) (string, error) {
	src, err := fsys.Open(name)
	if err != nil {
		return "", err
	}
	defer src.Close()
	dst, err := os.CreateTemp(dir, "bulwark-rpmdb-*")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(dst, io.LimitReader(src, 2<<30))
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst.Name())
		return "", fmt.Errorf("copy out %s: %w", name, err)
	}
	return dst.Name(), nil
}
