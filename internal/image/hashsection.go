package image

import (
	"hash"
	"io"
	"sync/atomic"
)

// sectionChunks is how many digestChunk buffers one verified in-place
// layer reads ahead. The tar reader's pace swings with the layer: a run of
// small files costs it a header each, a large file only a seek. A shallow
// queue makes the reading side wait through the first and the tar reader
// wait through the second; this depth (8 MiB) lets them even out.
const sectionChunks = 32

// sectionChunk is one buffer of a hashedSection, read once and then read
// by the tar reader and the hash alike; the last of the two to finish
// with it hands it back for the next read.
type sectionChunk struct {
	b    []byte
	refs atomic.Int32
}

// hashedSection reads a section of a ReaderAt once, in order, and hands
// each chunk both to the tar reader, which reads headers out of it and
// seeks over contents, and to a hashing goroutine. So a verified in-place
// layer is read once, bytes are copied only where a header or a kept file
// needs them, and reading, hashing and parsing each run on their own
// goroutine: with two cores the hash, the costliest, sets the pace alone.
type hashedSection struct {
	size, pos int64
	chunk     *sectionChunk // holds the layer's bytes from off
	off       int64
	full      chan *sectionChunk // chunks read, in order, for the tar reader
	toHash    chan *sectionChunk // the same chunks for the hash
	free      chan *sectionChunk // chunks both are done with
	stop      chan struct{}
	done      chan struct{} // closed once the hash has ended
	stopped   bool
	claims    claims
	sum       []byte // set before done closes, when every byte was hashed
	readErr   error  // set before full and toHash close
}

// newHashedSection starts reading ra; the caller must verify or close it.
func newHashedSection(ra io.ReaderAt, size int64, cs claims) (*hashedSection, error) {
	hh, err := cs.hasher()
	if err != nil {
		return nil, err
	}
	h := &hashedSection{size: size, claims: cs, stop: make(chan struct{}), done: make(chan struct{}),
		full: make(chan *sectionChunk, sectionChunks), toHash: make(chan *sectionChunk, sectionChunks),
		free: make(chan *sectionChunk, sectionChunks)}
	go h.read(ra)
	go h.hash(hh)
	return h, nil
}

// read reads the section in chunks and hands each to the hash and to the
// tar reader. Neither send blocks: the queues hold every chunk there is.
func (h *hashedSection) read(ra io.ReaderAt) {
	defer close(h.full)
	defer close(h.toHash)
	made := 0
	for off := int64(0); off < h.size; {
		c := h.take(&made)
		if c == nil {
			return // stopped
		}
		c.b = c.b[:min(int64(cap(c.b)), h.size-off)]
		if n, err := ra.ReadAt(c.b, off); n < len(c.b) {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			h.readErr = err
			return
		}
		c.refs.Store(2)
		h.toHash <- c
		h.full <- c
		off += int64(len(c.b))
	}
}

// take returns a free chunk, making one while fewer than sectionChunks
// exist, so that a layer the tar reader keeps up with needs few; it
// returns nil once the section is closed.
func (h *hashedSection) take(made *int) *sectionChunk {
	select {
	case <-h.stop:
		return nil
	case c := <-h.free:
		return c
	default:
	}
	if *made < sectionChunks {
		*made++
		return &sectionChunk{b: make([]byte, digestChunk)}
	}
	select {
	case c := <-h.free:
		return c
	case <-h.stop:
		return nil
	}
}

// hash hashes the chunks in order until the reading ends, and keeps the
// sum if it covers the whole section.
func (h *hashedSection) hash(hh hash.Hash) {
	defer close(h.done)
	var n int64
	for c := range h.toHash {
		select {
		case <-h.stop:
		default:
			hh.Write(c.b)
			n += int64(len(c.b))
		}
		h.release(c)
	}
	if n == h.size && h.readErr == nil {
		h.sum = hh.Sum(nil)
	}
}

// release gives c back for reading once both its readers are done.
func (h *hashedSection) release(c *sectionChunk) {
	if c.refs.Add(-1) == 0 {
		h.free <- c
	}
}

func (h *hashedSection) Read(p []byte) (int, error) {
	if err := h.advance(); err != nil {
		return 0, err
	}
	if h.pos >= h.size {
		return 0, io.EOF
	}
	n := copy(p, h.chunk.b[h.pos-h.off:])
	h.pos += int64(n)
	return n, nil
}

// advance gives back every chunk that ends at or before pos, and takes the
// chunk that holds pos.
func (h *hashedSection) advance() error {
	for h.chunk == nil || h.pos >= h.off+int64(len(h.chunk.b)) {
		if h.chunk != nil {
			h.off += int64(len(h.chunk.b))
			h.release(h.chunk)
			h.chunk = nil
		}
		if h.off >= h.size {
			return nil
		}
		c, ok := <-h.full
		if !ok {
			<-h.done
			if h.readErr != nil {
				return h.readErr
			}
			return io.ErrUnexpectedEOF // stopped
		}
		h.chunk = c
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
	if h.sum == nil || h.stopped {
		return io.ErrUnexpectedEOF // stopped before the end
	}
	return h.claims.compare(h.sum)
}

// close stops the reading and hashing goroutines and waits for them.
func (h *hashedSection) close() {
	if !h.stopped {
		h.stopped = true
		close(h.stop)
	}
	<-h.done
}
