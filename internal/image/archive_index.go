package image

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"
)

// archiveFS serves the regular files of an uncompressed tar file as sections
// of it, so that an image archive is read in place and never extracted.
type archiveFS struct {
	f       *os.File
	name    string
	entries map[string]archiveEntry
}

type archiveEntry struct {
	off, size int64
	mode      fs.FileMode
	modTime   time.Time
}

// maxArchiveEntries bounds the index of an image archive; real ones hold a
// few files per layer.
const maxArchiveEntries = 1 << 20

// openArchive indexes the tar file at name.
func openArchive(name string) (*archiveFS, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	a := &archiveFS{f: f, name: name, entries: map[string]archiveEntry{}}
	if err := a.index(); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return a, nil
}

func (a *archiveFS) index() error {
	var head [4]byte
	if n, _ := a.f.ReadAt(head[:], 0); n >= 2 && (bytes.HasPrefix(head[:n], gzipMagic) || bytes.HasPrefix(head[:n], zstdMagic)) {
		return errors.New("compressed archive: image archives are read in place, decompress it first (gunzip / zstd -d)")
	}
	pos := &offsetReader{r: a.f}
	tr := tar.NewReader(pos)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("not a readable tar archive: %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if len(a.entries) >= maxArchiveEntries {
			return fmt.Errorf("more than %d files: not an image archive", maxArchiveEntries)
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		a.entries[name] = archiveEntry{off: pos.n, size: h.Size, mode: h.FileInfo().Mode(), modTime: h.ModTime}
	}
	if len(a.entries) == 0 {
		return errors.New("empty archive")
	}
	return nil
}

// Open returns the named entry; only regular files are served.
func (a *archiveFS) Open(name string) (fs.File, error) {
	e, ok := a.entries[path.Clean(name)]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	sr := io.NewSectionReader(a.f, e.off, e.size)
	return &sectionFile{SectionReader: sr, info: fileInfo{name: path.Base(name), size: e.size, mode: e.mode, modTime: e.modTime}}, nil
}

// section returns the raw bytes of an entry for random access.
func (a *archiveFS) section(name string) (*io.SectionReader, bool) {
	e, ok := a.entries[path.Clean(name)]
	if !ok {
		return nil, false
	}
	return io.NewSectionReader(a.f, e.off, e.size), true
}

func (a *archiveFS) Close() error { return a.f.Close() }

// offsetReader counts the bytes read through it. The tar reader reads
// headers in whole blocks, so after Next the count is the entry's offset.
// It seeks when the file can, so skipping a layer's bytes costs nothing.
type offsetReader struct {
	r io.Reader
	n int64
}

func (o *offsetReader) Seek(offset int64, whence int) (int64, error) {
	s, ok := o.r.(io.Seeker)
	if !ok {
		return 0, errors.ErrUnsupported
	}
	n, err := s.Seek(offset, whence)
	if err == nil {
		o.n = n
	}
	return n, err
}

func (o *offsetReader) Read(p []byte) (int, error) {
	n, err := o.r.Read(p)
	o.n += int64(n)
	return n, err
}

type sectionFile struct {
	*io.SectionReader
	info fileInfo
}

func (s *sectionFile) Stat() (fs.FileInfo, error) { return s.info, nil }
func (s *sectionFile) Close() error               { return nil }

type fileInfo struct {
	name    string
	size    int64
	mode    fs.FileMode
	modTime time.Time
}

func (i fileInfo) Name() string       { return i.name }
func (i fileInfo) Size() int64        { return i.size }
func (i fileInfo) Mode() fs.FileMode  { return i.mode }
func (i fileInfo) ModTime() time.Time { return i.modTime }
func (i fileInfo) IsDir() bool        { return i.mode.IsDir() }
func (i fileInfo) Sys() any           { return nil }

// bufSection reads a section of a ReaderAt through a buffer, and seeks
// without reading. The tar reader reads a 512-byte header per entry and then
// seeks over the content; without the buffer each header is a system call.
type bufSection struct {
	ra        io.ReaderAt
	size, pos int64
	buf       []byte
	bufOff    int64 // file offset of buf[0]
	bufLen    int
}

const bufSectionSize = 128 << 10

func newBufSection(ra io.ReaderAt, size int64) *bufSection {
	return &bufSection{ra: ra, size: size, buf: make([]byte, bufSectionSize)}
}

func (b *bufSection) Read(p []byte) (int, error) {
	if b.pos >= b.size {
		return 0, io.EOF
	}
	if rest := b.size - b.pos; int64(len(p)) > rest {
		p = p[:rest]
	}
	if b.pos < b.bufOff || b.pos >= b.bufOff+int64(b.bufLen) {
		if len(p) >= len(b.buf) {
			n, err := b.ra.ReadAt(p, b.pos)
			b.pos += int64(n)
			if err == io.EOF && n > 0 {
				err = nil
			}
			return n, err
		}
		want := min(int64(len(b.buf)), b.size-b.pos)
		n, err := b.ra.ReadAt(b.buf[:want], b.pos)
		b.bufOff, b.bufLen = b.pos, n
		if n == 0 {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, err
		}
	}
	n := copy(p, b.buf[b.pos-b.bufOff:b.bufLen])
	b.pos += int64(n)
	return n, nil
}

func (b *bufSection) Seek(offset int64, whence int) (int64, error) {
	offset, err := seekTo(offset, whence, b.pos, b.size, 0)
	if err != nil {
		return 0, err
	}
	b.pos = offset
	return offset, nil
}

// seekTo is the position a Seek asks for in a section of size bytes read up
// to pos; positions before floor are an error.
func seekTo(offset int64, whence int, pos, size, floor int64) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += pos
	case io.SeekEnd:
		offset += size
	default:
		return 0, errors.New("seek: bad whence")
	}
	if offset < floor {
		return 0, fmt.Errorf("seek: to %d, before %d", offset, floor)
	}
	return offset, nil
}
