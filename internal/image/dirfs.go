package image

import (
	"io/fs"
	"os"
	"path/filepath"
)

// DirFS reads a directory that holds a root file system or a source tree.
// Symlinks resolve inside it as they would in a chroot (an absolute link
// starts at the directory), and os.Root refuses any path that escapes it.
type DirFS struct {
	root *os.Root
	fsys fs.FS
	// Dir is the directory as opened.
	Dir string
}

// OpenDir opens dir for reading as an image root.
func OpenDir(dir string) (*DirFS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &DirFS{root: root, fsys: root.FS(), Dir: dir}, nil
}

func (d *DirFS) lstat(name string) (fs.FileMode, string, error) {
	fi, err := d.root.Lstat(filepath.FromSlash(name))
	if err != nil {
		return 0, "", err
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return fi.Mode(), "", nil
	}
	link, err := d.root.Readlink(filepath.FromSlash(name))
	return fi.Mode(), link, err
}

func (d *DirFS) resolve(op, name string, follow bool) (string, error) {
	if !fs.ValidPath(name) {
		return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	p, err := resolvePath(d, name, follow)
	if err != nil {
		return "", &fs.PathError{Op: op, Path: name, Err: err}
	}
	return p, nil
}

// Open opens name, following symlinks inside the directory.
func (d *DirFS) Open(name string) (fs.File, error) {
	p, err := d.resolve("open", name, true)
	if err != nil {
		return nil, err
	}
	return d.fsys.Open(p)
}

// ReadDir lists the directory name.
func (d *DirFS) ReadDir(name string) ([]fs.DirEntry, error) {
	p, err := d.resolve("readdir", name, true)
	if err != nil {
		return nil, err
	}
	return fs.ReadDir(d.fsys, p)
}

// Stat returns the info of name, following symlinks.
func (d *DirFS) Stat(name string) (fs.FileInfo, error) {
	p, err := d.resolve("stat", name, true)
	if err != nil {
		return nil, err
	}
	return d.root.Stat(filepath.FromSlash(p))
}

// Lstat returns the info of name without following a final symlink.
func (d *DirFS) Lstat(name string) (fs.FileInfo, error) {
	p, err := d.resolve("lstat", name, false)
	if err != nil {
		return nil, err
	}
	return d.root.Lstat(filepath.FromSlash(p))
}

// ReadLink returns the target of the symlink name.
func (d *DirFS) ReadLink(name string) (string, error) {
	p, err := d.resolve("readlink", name, false)
	if err != nil {
		return "", err
	}
	return d.root.Readlink(filepath.FromSlash(p))
}

// Layer is empty for a directory: it has no layers.
func (d *DirFS) Layer(string) string { return "" }

// Close releases the directory.
func (d *DirFS) Close() error { return d.root.Close() }

// Canonical resolves every symlink in name, inside the directory.
func (d *DirFS) Canonical(name string) (string, error) { return resolvePath(d, name, true) }
