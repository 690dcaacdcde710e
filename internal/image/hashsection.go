package image

import (
	"hash"
	"io"
	"sync"
)

// hashedSection reads a section of a ReaderAt once, in order, on its own
// goroutine, which hashes each chunk after handing it on; the tar reader
// reads headers out of the chunks and seeks over contents. So a verified
// in-place layer is read once, reading and hashing overlap parsing, and
// bytes are copied only where a header or a kept file needs them.
type hashedSection struct {
	size, pos int64
	chunk     []byte // the layer's bytes from off
	off       int64
	full      chan []byte // chunks read, in order
	free      chan []byte // chunks the tar reader is done with
	stop      chan struct{}
	done      chan struct{}
	stopOnce  sync.Once
	claims    claims
	sum       []byte // set with readErr before done closes
	readErr   error
}

// newHashedSection starts reading ra; the caller must verify or close it.
func newHashedSection(ra io.ReaderAt, size int64, cs claims) (*hashedSection, error) {
	hh, err := cs.hasher()
	if err != nil {
		return nil, err
	}
	h := &hashedSection{size: size, claims: cs, full: make(chan []byte, digestChunks), free: make(chan []byte, digestChunks),
		stop: make(chan struct{}), done: make(chan struct{})}
	for range digestChunks {
		h.free <- make([]byte, digestChunk)
	}
	go h.read(ra, hh)
	return h, nil
}

// read reads the section in chunks, hands each on and then hashes it: the
// tar reader and the hash only read a chunk, and the tar reader's free
// chunks are taken back only after they are hashed.
func (h *hashedSection) read(ra io.ReaderAt, hh hash.Hash) {
	defer close(h.done)
	defer close(h.full)
	for off := int64(0); off < h.size; {
		var buf []byte
		select {
		case buf = <-h.free:
		case <-h.stop:
			return
		}
		buf = buf[:min(int64(digestChunk), h.size-off)]
		if n, err := ra.ReadAt(buf, off); n < len(buf) {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			h.readErr = err
			return
		}
		select {
		case h.full <- buf:
		case <-h.stop:
			return
		}
		hh.Write(buf)
		off += int64(len(buf))
	}
	h.sum = hh.Sum(nil)
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

// advance gives back every chunk that ends at or before pos, and takes the
// chunk that holds pos.
func (h *hashedSection) advance() error {
	for h.chunk == nil || h.pos >= h.off+int64(len(h.chunk)) {
		if h.chunk != nil {
			h.off += int64(len(h.chunk))
			h.free <- h.chunk[:cap(h.chunk)]
			h.chunk = nil
		}
		if h.off >= h.size {
			return nil
		}
		b, ok := <-h.full
		if !ok {
			<-h.done
			if h.readErr != nil {
				return h.readErr
			}
			return io.ErrUnexpectedEOF // stopped
		}
		h.chunk = b
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

// verify waits for the hash of the whole section, which the caller has
// read to its end, and compares it with the claims.
func (h *hashedSection) verify() error {
	<-h.done
	if h.readErr != nil {
		return h.readErr
	}
	if h.sum == nil {
		return io.ErrUnexpectedEOF // stopped before the end
	}
	return h.claims.compare(h.sum)
}

// close stops the reading goroutine and waits for it.
func (h *hashedSection) close() {
	h.stopOnce.Do(func() { close(h.stop) })
	<-h.done
}
