package image

import (
	"errors"
	"hash"
	"io"
)

// sectionChunks is how many digestChunk buffers one verified in-place
// layer holds at most. The tar reader's pace swings with the layer: a run
// of small files costs it a header each, a large file only a seek. With a
// shallow queue the hash would wait through the first and the tar reader
// through the second; this depth (8 MiB) lets them even out.
const sectionChunks = 32

// Who takes a hashedSection's chunks.
const (
	takerTar = iota
	takerHash
)

// hashedSection reads a section of a ReaderAt once, in order, for the tar
// reader, which reads headers out of its chunks and seeks over contents,
// and for a goroutine that hashes every chunk. So a verified in-place layer
// is read once, bytes are copied only where a header or a kept file needs
// them, and hashing, the costliest part, runs beside the parsing.
type hashedSection struct {
	q         *chunkQueue
	size, pos int64
	chunk     []byte // the bytes of chunk k, which starts at off
	k, off    int64
	done      chan struct{} // closed once the hash has ended
	stopped   bool
	claims    claims
	sum       []byte // set before done closes, when every byte was hashed
	hashErr   error  // set before done closes
}

// newHashedSection starts hashing ra; the caller must verify or close it.
func newHashedSection(ra io.ReaderAt, size int64, cs claims) (*hashedSection, error) {
	hh, err := cs.hasher()
	if err != nil {
		return nil, err
	}
	h := &hashedSection{q: newChunkQueue(ra, size, sectionChunks), size: size, claims: cs, done: make(chan struct{})}
	go h.hash(hh)
	return h, nil
}

func (h *hashedSection) hash(hh hash.Hash) {
	defer close(h.done)
	for k := range h.q.chunks() {
		b, err := h.q.take(takerHash, k)
		if err != nil {
			h.hashErr = err
			return
		}
		hh.Write(b)
	}
	h.q.done(takerHash)
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

// advance moves past every chunk that ends at or before pos, and takes the
// chunk that holds pos.
func (h *hashedSection) advance() error {
	for h.chunk == nil || h.pos >= h.off+int64(len(h.chunk)) {
		if h.chunk != nil {
			h.off += int64(len(h.chunk))
			h.k++
			h.chunk = nil
		}
		if h.off >= h.size {
			h.q.done(takerTar)
			return nil
		}
		b, err := h.q.take(takerTar, h.k)
		if errors.Is(err, errQueueStopped) {
			return io.ErrUnexpectedEOF
		}
		if err != nil {
			return err
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
	switch {
	case h.stopped || errors.Is(h.hashErr, errQueueStopped):
		return io.ErrUnexpectedEOF // stopped before the end
	case h.hashErr != nil:
		return h.hashErr
	}
	return h.claims.compare(h.sum)
}

// close stops the hashing goroutine and waits for it.
func (h *hashedSection) close() {
	if !h.stopped {
		h.stopped = true
		h.q.stop()
	}
	<-h.done
}
