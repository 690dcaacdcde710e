package sbom

import (
	"io/fs"
	"path"
	"strings"
)

// canonicaler is a file system that resolves a path's symlinks.
type canonicaler interface {
	Canonical(name string) (string, error)
}

// linkOwners marks each language package whose files an OS package owns
// (Debian's python3-requests owns a requests dist-info), so that the
// vulnerability step can match it through the OS package's advisories.
// Paths compare in canonical form: dpkg lists /lib/x, a usr-merged image
// stores usr/lib/x.
func linkOwners(fsys fs.FS, pkgs []Package) {
	canon := newDirCanon(fsys)
	owner := map[string]string{}
	for _, p := range pkgs {
		if !p.IsOS() {
			continue
		}
		for _, f := range p.Files {
			owner[canon.path(f)] = p.ID
		}
	}
	if len(owner) == 0 {
		return
	}
	for i := range pkgs {
		p := &pkgs[i]
		if p.IsOS() {
			continue
		}
		for _, l := range p.Locations {
			outer, _, _ := strings.Cut(l.Path, ":")
			if id, ok := owner[canon.path(outer)]; ok {
				p.OwnedBy = id
				break
			}
		}
	}
}

// dirCanon resolves the directory part of paths, with a cache: images have
// few directories and many files.
type dirCanon struct {
	c    canonicaler
	dirs map[string]string
}

func newDirCanon(fsys fs.FS) *dirCanon {
	c, _ := fsys.(canonicaler)
	return &dirCanon{c: c, dirs: map[string]string{}}
}

func (d *dirCanon) path(p string) string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if d.c == nil {
		return p
	}
	dir, base := path.Split(p)
	dir = path.Clean(dir)
	cd, ok := d.dirs[dir]
	if !ok {
		cd = dir
		if r, err := d.c.Canonical(dir); err == nil {
			cd = r
		}
		d.dirs[dir] = cd
	}
	return path.Join(cd, base)
}
