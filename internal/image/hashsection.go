package image

import "io"

// hashedSection reads a section of a ReaderAt once, in order, in the chunks
// of a digestCheck: the tar reader reads headers out of a chunk and seeks
// over contents, and each chunk goes to the hashing goroutine as the reader
// moves past it. So a verified in-place layer is read once, and its bytes
// are copied only where a header or a kept file needs them.
type hashedSection struct {
	ra        io.ReaderAt
	size, pos int64
	check     *digestCheck
	chunk     []byte // the layer's bytes from off
	off       int64
}

func newHashedSection(ra io.ReaderAt, size int64, check *digestCheck) *hashedSection {
	return &hashedSection{ra: ra, size: size, check: check}
}

func (h *hashedSection) Read(p []byte) (int, error) {
	if err := h.advance(); err != nil {
		return 0, err
	}
	if h.pos >= h.size {
		return 0, io.EOF
	}
	n := copy(p, h.chunk[h.pos-h.off:])
	h.pos += int64(n)
	return n, nil
}

// advance hands to the hash every chunk that ends at or before pos, reading
// the ones a seek skipped, and reads the chunk that holds pos.
func (h *hashedSection) advance() error {
	for h.chunk == nil || h.pos >= h.off+int64(len(h.chunk)) {
		if h.chunk != nil {
			h.off += int64(len(h.chunk))
			h.check.put(h.chunk)
			h.chunk = nil
		}
		if h.off >= h.size {
			return nil
		}
		buf := h.check.buffer()[:min(int64(digestChunk), h.size-h.off)]
		if n, err := h.ra.ReadAt(buf, h.off); n < len(buf) {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		h.chunk = buf
	}
	return nil
}

// Seek moves forward only: what lies behind has gone to the hash.
func (h *hashedSection) Seek(offset int64, whence int) (int64, error) {
	offset, err := seekTo(offset, whence, h.pos, h.size, h.off)
	if err != nil {
		return 0, err
	}
	h.pos = offset
	return offset, nil
}
