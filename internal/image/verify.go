package image

import (
	"fmt"
	"hash"
)

// DigestError reports layer bytes that do not hash to the digest the image
// gives for them: an image that lies about its content.
type DigestError struct {
	// What was hashed: "content" (the uncompressed tar, checked against the
	// config's diff ID) or "blob" (the stored bytes, checked against the
	// manifest's layer digest).
	What string
	// Got is the digest of the bytes read, Want the one the image claims.
	Got, Want string
	// Source names who claims Want: "config" or "manifest".
	Source string
}

func (e *DigestError) Error() string {
	return fmt.Sprintf("%s hashes to %s, %s says %s", e.What, e.Got, e.Source, e.Want)
}

// verifier checks what it hashed against its claims once the stream has
// been read to its end; close stops it early.
type verifier interface {
	verify() error
	close()
}

// digestChunk is the size of the buffers hashed on another goroutine;
// digestChunks of them bound the memory of one layer's hashing.
const (
	digestChunk  = 256 << 10
	digestChunks = 4
)

// digestCheck hashes a stream written to it and compares the sum with its
// claims. The hashing runs on its own goroutine, so that on a second core
// it adds little to the time of reading the layer.
type digestCheck struct {
	claims claims
	h      hash.Hash
	cur    []byte
	full   chan []byte
	free   chan []byte
	done   chan struct{}
	closed bool
}

// newDigestCheck checks the stream against the non-empty digests in specs;
// it returns nil when there is nothing to check.
func newDigestCheck(specs ...claimSpec) (*digestCheck, error) {
	cs, err := parseClaims(specs...)
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	h, err := cs.hasher()
	if err != nil {
		return nil, err
	}
	c := &digestCheck{claims: cs, h: h, full: make(chan []byte, digestChunks), free: make(chan []byte, digestChunks), done: make(chan struct{})}
	go c.run()
	return c, nil
}

// add checks the same bytes against one more digest.
func (c *digestCheck) add(s claimSpec) error { return c.claims.add(s) }

func (c *digestCheck) run() {
	defer close(c.done)
	for b := range c.full {
		c.h.Write(b)
		select {
		case c.free <- b[:0]:
		default: // more buffers than needed: let this one go
		}
	}
}

// Write copies p into the current chunk, handing full chunks to the hashing
// goroutine; it blocks when that goroutine is digestChunks behind.
func (c *digestCheck) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if c.cur == nil {
			c.cur = c.chunk()
		}
		k := copy(c.cur[len(c.cur):cap(c.cur)], p)
		c.cur = c.cur[:len(c.cur)+k]
		p = p[k:]
		if len(c.cur) == cap(c.cur) {
			c.full <- c.cur
			c.cur = nil
		}
	}
	return n, nil
}

func (c *digestCheck) chunk() []byte {
	select {
	case b := <-c.free:
		return b
	default:
		return make([]byte, 0, digestChunk)
	}
}

// close stops the hashing goroutine and waits for it; it is safe to call
// more than once and on nil.
func (c *digestCheck) close() {
	if c == nil || c.closed {
		return
	}
	c.closed = true
	close(c.full)
	<-c.done
}

// verify hashes what is left and compares the sum with each claim.
func (c *digestCheck) verify() error {
	if len(c.cur) > 0 && !c.closed {
		c.full <- c.cur
		c.cur = nil
	}
	c.close()
	return c.claims.compare(c.h.Sum(nil))
}
