package image

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"time"
)

// ErrNotKept is returned when reading a file whose content the squash did
// not keep (its Selector did not choose it) and its layer cannot be read
// again in place.
var ErrNotKept = errors.New("content not kept by the squash")

// FS is an image's layers squashed into one read-only file system. Paths are
// slash-separated and relative to the image root. Symlinks resolve inside
// the image. It implements fs.FS, fs.ReadDirFS, fs.StatFS and fs.ReadLinkFS.
type FS struct {
	nodes  map[string]*node
	layers []string
	spill  *os.File
	// Warnings lists problems that did not stop the squash (a hardlink to a
	// missing file, a file too large to keep).
	Warnings []string
}

type node struct {
	name     string
	parent   *node
	mode     fs.FileMode
	size     int64
	modTime  time.Time
	link     string
	layer    int
	children map[string]*node
	kept     bool
	data     []byte
	src      io.ReaderAt
	off      int64
}

func (n *node) path() string {
	if n.parent == nil {
		return "."
	}
	var parts []string
	for c := n; c.parent != nil; c = c.parent {
		parts = append(parts, c.name)
	}
	slices.Reverse(parts)
	return strings.Join(parts, "/")
}

func newFS(layers []string) *FS {
	root := &node{name: ".", mode: fs.ModeDir | 0o755, children: map[string]*node{}}
	return &FS{nodes: map[string]*node{".": root}, layers: layers}
}

func (f *FS) lstat(name string) (fs.FileMode, string, error) {
	n, ok := f.nodes[name]
	if !ok {
		return 0, "", fs.ErrNotExist
	}
	return n.mode, n.link, nil
}

func (f *FS) lookup(op, name string, follow bool) (*node, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	p, err := resolvePath(f, name, follow)
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: err}
	}
	return f.nodes[p], nil
}

// Open opens the named file, following symlinks inside the image.
func (f *FS) Open(name string) (fs.File, error) {
	n, err := f.lookup("open", name, true)
	if err != nil {
		return nil, err
	}
	if n.mode.IsDir() {
		return &dirFile{fsys: f, n: n}, nil
	}
	if !n.mode.IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("not a regular file (%s)", n.mode.Type())}
	}
	r, err := f.content(n)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &regFile{ReaderAt: r, Reader: io.NewSectionReader(r, 0, n.size), n: n}, nil
}

func (f *FS) content(n *node) (io.ReaderAt, error) {
	switch {
	case n.size == 0:
		return strings.NewReader(""), nil
	case n.data != nil:
		return bytes.NewReader(n.data), nil
	case n.src != nil:
		return io.NewSectionReader(n.src, n.off, n.size), nil
	}
	return nil, ErrNotKept
}

// Stat returns the file info of name, following symlinks.
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	n, err := f.lookup("stat", name, true)
	if err != nil {
		return nil, err
	}
	return n.info(), nil
}

// Lstat returns the file info of name without following a final symlink.
func (f *FS) Lstat(name string) (fs.FileInfo, error) {
	n, err := f.lookup("lstat", name, false)
	if err != nil {
		return nil, err
	}
	return n.info(), nil
}

// ReadLink returns the target of the symlink name.
func (f *FS) ReadLink(name string) (string, error) {
	n, err := f.lookup("readlink", name, false)
	if err != nil {
		return "", err
	}
	if n.mode&fs.ModeSymlink == 0 {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	return n.link, nil
}

// ReadDir lists the directory name, sorted by file name.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	n, err := f.lookup("readdir", name, true)
	if err != nil {
		return nil, err
	}
	if !n.mode.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errNotDir}
	}
	return n.entries(), nil
}

// Layer returns the diff ID of the layer that last wrote name ("" for files
// no layer wrote, such as the root).
func (f *FS) Layer(name string) string {
	n, err := f.lookup("layer", name, true)
	if err != nil || n.layer < 0 || n.layer >= len(f.layers) {
		return ""
	}
	return f.layers[n.layer]
}

// Kept lists, sorted, the regular files whose content the squash kept
// because a Selector chose them.
func (f *FS) Kept() []string {
	var out []string
	for p, n := range f.nodes {
		if n.kept {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// Len is the number of entries in the squashed file system.
func (f *FS) Len() int { return len(f.nodes) }

// Close removes the spill file of kept contents.
func (f *FS) Close() error {
	if f.spill == nil {
		return nil
	}
	err := f.spill.Close()
	f.spill = nil
	return err
}

func (n *node) info() fs.FileInfo {
	return fileInfo{name: path.Base(n.name), size: n.size, mode: n.mode, modTime: n.modTime}
}

func (n *node) entries() []fs.DirEntry {
	out := make([]fs.DirEntry, 0, len(n.children))
	for _, c := range n.children {
		out = append(out, fs.FileInfoToDirEntry(c.info()))
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out
}

type regFile struct {
	io.ReaderAt
	io.Reader
	n *node
}

func (r *regFile) Stat() (fs.FileInfo, error) { return r.n.info(), nil }
func (r *regFile) Close() error               { return nil }

type dirFile struct {
	fsys *FS
	n    *node
	list []fs.DirEntry
	read bool
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return d.n.info(), nil }
func (d *dirFile) Close() error               { return nil }
func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.n.path(), Err: errors.New("is a directory")}
}

func (d *dirFile) ReadDir(count int) ([]fs.DirEntry, error) {
	if !d.read {
		d.list, d.read = d.n.entries(), true
	}
	if count <= 0 {
		out := d.list
		d.list = nil
		return out, nil
	}
	if len(d.list) == 0 {
		return nil, io.EOF
	}
	k := min(count, len(d.list))
	out := d.list[:k]
	d.list = d.list[k:]
	return out, nil
}

// Canonical resolves every symlink in name, inside the image.
func (f *FS) Canonical(name string) (string, error) { return resolvePath(f, name, true) }
