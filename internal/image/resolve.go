package image

import (
	"errors"
	"io/fs"
	"path"
	"strings"
)

// maxSymlinkHops is the number of links followed before giving up, as
// Linux's ELOOP does.
const maxSymlinkHops = 40

// errSymlinkLoop is returned for a chain of symlinks that does not end.
var errSymlinkLoop = errors.New("too many levels of symbolic links")

// lstater reports the type of a canonical path (no symlinks in it) inside an
// image root, and a symlink's target.
type lstater interface {
	lstat(name string) (mode fs.FileMode, link string, err error)
}

// resolvePath turns name into its canonical path inside the root, following
// symlinks as a chroot would: absolute targets start at the image root, and
// ".." stops at the root, so no link can lead outside the image.
func resolvePath(l lstater, name string, followLast bool) (string, error) {
	rest := splitPath(name)
	var done []string
	hops := 0
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case ".", "":
			continue
		case "..":
			if len(done) > 0 {
				done = done[:len(done)-1]
			}
			continue
		}
		p := path.Join(append(done, c)...)
		mode, link, err := l.lstat(p)
		if err != nil {
			return "", err
		}
		if mode&fs.ModeSymlink != 0 && (len(rest) > 0 || followLast) {
			if hops++; hops > maxSymlinkHops {
				return "", errSymlinkLoop
			}
			if strings.HasPrefix(link, "/") {
				done = done[:0]
			}
			rest = append(splitPath(link), rest...)
			continue
		}
		if len(rest) > 0 && !mode.IsDir() {
			return "", errNotDir
		}
		done = append(done, c)
	}
	if len(done) == 0 {
		return ".", nil
	}
	return path.Join(done...), nil
}

var errNotDir = errors.New("not a directory")

func splitPath(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
}
