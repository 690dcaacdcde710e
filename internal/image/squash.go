package image

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// SquashOptions configure Squash.
type SquashOptions struct {
	// Select chooses the files whose contents are kept; nil keeps none.
	Select Selector
	// Limits bound each layer; the zero value means DefaultLimits.
	Limits Limits
	// TempDir holds the spill file of kept contents; default os.TempDir.
	TempDir string
	// Progress, when set, is told how many stored bytes of each layer have
	// been read.
	Progress func(layer int, read int64)
}

// memKeepMax is the largest content kept in memory; larger kept files go to
// the spill file, so a scan's memory does not grow with the image.
const memKeepMax = 64 << 10

// Squash applies the image's layers from the base up, with whiteouts, into
// one FS. Each layer is read once as a stream; the contents that opts.Select
// chooses are kept (small ones in memory, others in one temporary file that
// is unlinked at once), and for uncompressed seekable layers (docker-archive)
// contents are read in place instead.
func Squash(ctx context.Context, img *Image, opts SquashOptions) (*FS, error) {
	if opts.Limits == (Limits{}) {
		opts.Limits = DefaultLimits()
	}
	s := &squasher{fs: newFS(img.DiffIDs()), opts: opts, verify: !img.SkipVerify}
	for i, l := range img.Layers {
		if err := s.layer(ctx, i, l); err != nil {
			s.fs.Close()
			return nil, fmt.Errorf("layer %d (%s): %w", i, layerName(l), err)
		}
	}
	return s.fs, nil
}

func layerName(l Layer) string {
	if l.DiffID != "" {
		return l.DiffID
	}
	return l.Digest
}

type squasher struct {
	fs        *FS
	opts      SquashOptions
	verify    bool
	spillSize int64
	buf       []byte
}

func (s *squasher) layer(ctx context.Context, i int, l Layer) error {
	ls, err := s.open(ctx, i, l)
	if err != nil {
		return err
	}
	defer ls.close()
	lim := s.opts.Limits
	for entries := 0; ; entries++ {
		if entries%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if entries > lim.MaxEntries {
			return &LimitError{What: "too many entries", Limit: int64(lim.MaxEntries)}
		}
		h, err := ls.tar.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("truncated or corrupt: %w", err)
		}
		if err := s.checkSize(ls, h); err != nil {
			return err
		}
		if err := s.entry(i, h, ls); err != nil {
			return err
		}
	}
	return ls.finish()
}

func (s *squasher) checkSize(ls *layerStream, h *tar.Header) error {
	lim := s.opts.Limits
	if h.Size > lim.MaxEntrySize || h.Size < 0 {
		return &LimitError{What: fmt.Sprintf("entry %q claims %d bytes", h.Name, h.Size), Limit: lim.MaxEntrySize}
	}
	raw := ls.raw.n + h.Size
	if raw > lim.MaxLayerSize {
		return &LimitError{What: "layer expands past the size limit", Limit: lim.MaxLayerSize}
	}
	if ls.seekable == nil && raw > lim.RatioFloor && ls.stored.n > 0 && raw/ls.stored.n > lim.MaxRatio {
		return &LimitError{What: fmt.Sprintf("layer expands %d times its compressed size (a decompression bomb?)", raw/ls.stored.n), Limit: lim.MaxRatio}
	}
	return nil
}

// cleanName validates a tar entry name: relative, no "..".
func cleanName(name string) (string, error) {
	n := strings.TrimPrefix(name, "./")
	if strings.HasPrefix(n, "/") {
		return "", fmt.Errorf("entry %q: absolute path", name)
	}
	for _, c := range strings.Split(n, "/") {
		if c == ".." {
			return "", fmt.Errorf("entry %q: path traversal", name)
		}
	}
	if strings.ContainsRune(n, 0) {
		return "", fmt.Errorf("entry %q: NUL in name", name)
	}
	n = path.Clean(n)
	return n, nil
}

func (s *squasher) entry(i int, h *tar.Header, ls *layerStream) error {
	name, err := cleanName(h.Name)
	if err != nil {
		return err
	}
	if name == "." {
		return nil
	}
	dir, base := path.Split(name)
	dir = path.Clean(dir)
	switch {
	case base == ".wh..wh..opq":
		if n, ok := s.fs.nodes[dir]; ok && n.mode.IsDir() {
			s.pruneChildren(n, i)
		}
		return nil
	case strings.HasPrefix(base, ".wh."):
		if n, ok := s.fs.nodes[path.Join(dir, base[4:])]; ok && !s.prune(n, i) {
			s.remove(n)
		}
		return nil
	}
	switch h.Typeflag {
	case tar.TypeReg, tar.TypeDir, tar.TypeSymlink, tar.TypeLink:
	default:
		return nil // devices, fifos: nothing a cataloger reads
	}
	n := s.put(name, h, i)
	switch h.Typeflag {
	case tar.TypeLink:
		return s.hardlink(name, n, h)
	case tar.TypeReg:
		return s.keep(name, n, ls)
	}
	return nil
}

// put creates or replaces the node at name, making missing parents.
func (s *squasher) put(name string, h *tar.Header, layer int) *node {
	parent := s.mkdirAll(path.Dir(name), layer)
	base := path.Base(name)
	mode := h.FileInfo().Mode()
	old := parent.children[base]
	if old != nil && old.mode.IsDir() && mode.IsDir() {
		old.mode, old.modTime, old.layer = mode, h.ModTime, layer
		return old
	}
	if old != nil {
		s.remove(old)
	}
	n := &node{name: base, parent: parent, mode: mode, size: h.Size, modTime: h.ModTime, link: h.Linkname, layer: layer}
	if h.Typeflag == tar.TypeSymlink {
		n.size = int64(len(h.Linkname))
	} else {
		n.link = ""
	}
	if mode.IsDir() {
		n.children = map[string]*node{}
		n.size = 0
	}
	parent.children[base] = n
	s.fs.nodes[name] = n
	return n
}

func (s *squasher) mkdirAll(dir string, layer int) *node {
	n := s.fs.nodes["."]
	if dir == "." {
		return n
	}
	if d, ok := s.fs.nodes[dir]; ok && d.mode.IsDir() {
		return d // the common case: every parent is there already
	}
	p := ""
	for _, c := range strings.Split(dir, "/") {
		p = path.Join(p, c)
		child := n.children[c]
		if child == nil || !child.mode.IsDir() {
			if child != nil {
				s.remove(child)
			}
			child = &node{name: c, parent: n, mode: fs.ModeDir | 0o755, layer: layer, children: map[string]*node{}}
			n.children[c] = child
			s.fs.nodes[p] = child
		}
		n = child
	}
	return n
}

// prune removes what layers below layer put under n, and reports whether n
// itself stays (it, or something under it, came from layer or above).
func (s *squasher) prune(n *node, layer int) bool {
	if n.mode.IsDir() {
		s.pruneChildren(n, layer)
	}
	if n.layer >= layer {
		return true
	}
	if n.mode.IsDir() && len(n.children) > 0 {
		n.layer = layer
		return true
	}
	return false
}

func (s *squasher) pruneChildren(n *node, layer int) {
	for _, c := range n.children {
		if !s.prune(c, layer) {
			s.remove(c)
		}
	}
}

// remove unlinks n and everything under it.
func (s *squasher) remove(n *node) {
	for _, c := range n.children {
		s.remove(c)
	}
	delete(s.fs.nodes, n.path())
	if n.parent != nil && n.parent.children[n.name] == n {
		delete(n.parent.children, n.name)
	}
}

func (s *squasher) hardlink(name string, n *node, h *tar.Header) error {
	target, err := cleanName(h.Linkname)
	if err != nil {
		return fmt.Errorf("hardlink %q: %w", h.Name, err)
	}
	t, ok := s.fs.nodes[target]
	if !ok || !t.mode.IsRegular() {
		s.fs.Warnings = append(s.fs.Warnings, fmt.Sprintf("hardlink %s -> %s: target missing", h.Name, h.Linkname))
		n.mode = 0o644
		return nil
	}
	n.mode, n.size, n.data, n.src, n.off = t.mode, t.size, t.data, t.src, t.off
	n.kept = t.kept || s.selection(name, n).Keep && (t.data != nil || t.src != nil)
	return nil
}

// selection asks the Selector about n, whose path is name.
func (s *squasher) selection(name string, n *node) Selection {
	if s.opts.Select == nil {
		return Selection{}
	}
	return s.opts.Select(name, n.mode)
}

// keep stores the content of a chosen regular file, whose path is name.
func (s *squasher) keep(name string, n *node, ls *layerStream) error {
	sel := s.selection(name, n)
	if !sel.Keep || n.size == 0 {
		n.kept = sel.Keep && len(sel.Markers) == 0
		return nil
	}
	if n.size > s.opts.Limits.MaxKeptSize {
		s.fs.Warnings = append(s.fs.Warnings, fmt.Sprintf("%s: %d bytes, too large to read", name, n.size))
		return nil
	}
	var scan *markerScanner
	var sink []io.Writer
	if len(sel.Markers) > 0 {
		scan = newMarkerScanner(sel.Markers)
		sink = append(sink, scan)
	}
	off := ls.raw.n
	switch {
	case ls.seekable != nil:
		n.src, n.off = ls.seekable, off
		if scan == nil {
			n.kept = true
			return nil
		}
	case n.size <= memKeepMax:
		n.data = make([]byte, n.size)
		if _, err := io.ReadFull(ls.tar, n.data); err != nil {
			return fmt.Errorf("read %s: truncated or corrupt: %w", name, err)
		}
		n.kept = scan == nil || scan.match(n.data)
		if !n.kept {
			n.data = nil
		}
		return nil
	default:
		w, err := s.spillWriter(n)
		if err != nil {
			return err
		}
		sink = append(sink, w)
	}
	if s.buf == nil {
		s.buf = make([]byte, 256<<10)
	}
	if _, err := io.CopyBuffer(io.MultiWriter(sink...), io.LimitReader(ls.tar, n.size), s.buf); err != nil {
		return fmt.Errorf("read %s: truncated or corrupt: %w", name, err)
	}
	n.kept = scan == nil || scan.found
	if n.kept && n.src == s.fs.spill && s.fs.spill != nil {
		s.spillSize += n.size
	} else if !n.kept {
		n.src = nil
	}
	return nil
}

// spillWriter points n at the end of the spill file and returns a writer
// there; the space is claimed only if the content is kept.
func (s *squasher) spillWriter(n *node) (io.Writer, error) {
	if s.fs.spill == nil {
		f, err := os.CreateTemp(s.opts.TempDir, "bulwark-squash-*")
		if err != nil {
			return nil, fmt.Errorf("spill file: %w", err)
		}
		os.Remove(f.Name()) // unlinked: gone when closed, even after a crash
		s.fs.spill = f
	}
	n.src, n.off = s.fs.spill, s.spillSize
	return io.NewOffsetWriter(s.fs.spill, s.spillSize), nil
}
