package image

import (
	"encoding/hex"
	"fmt"
	"hash"

	v1 "github.com/google/go-containerregistry/pkg/v1"
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

// digestCheck hashes a stream written to it and compares the sum with the
// digests it was asked to check. The hashing runs on its own goroutine, so
// that on a second core it adds little to the time of reading the layer.
type digestCheck struct {
	claims []claim
	h      hash.Hash
	cur    []byte
	full   chan []byte
	free   chan []byte
	done   chan struct{}
	closed bool
}

// claim is one digest the image gives for the bytes a digestCheck hashes.
type claim struct {
	want         v1.Hash
	what, source string
}

// digestChunk is the size of the buffers handed to the hashing goroutine;
// digestChunks of them bound its memory.
const (
	digestChunk  = 256 << 10
	digestChunks = 4
)

// newDigestCheck checks the stream against the non-empty digests in claims,
// given as "sha256:HEX". It returns nil when there is nothing to check.
func newDigestCheck(claims ...claimSpec) (*digestCheck, error) {
	c := &digestCheck{}
	for _, cs := range claims {
		if err := c.add(cs); err != nil {
			return nil, err
		}
	}
	if len(c.claims) == 0 {
		return nil, nil
	}
	h, err := v1.Hasher(c.claims[0].want.Algorithm)
	if err != nil {
		return nil, fmt.Errorf("%s says %q: %w", c.claims[0].source, c.claims[0].want, err)
	}
	c.h = h
	c.full = make(chan []byte, digestChunks)
	c.free = make(chan []byte, digestChunks)
	c.done = make(chan struct{})
	go c.run()
	return c, nil
}

// add checks the same bytes against one more digest (a plain tar stored as
// is has the same digest as blob and as content). Claims are only read by
// verify, so add may come after the first Write.
func (c *digestCheck) add(cs claimSpec) error {
	if cs.digest == "" {
		return nil
	}
	want, err := v1.NewHash(cs.digest)
	if err != nil {
		return fmt.Errorf("%s says %q: %w", cs.source, cs.digest, err)
	}
	if len(c.claims) > 0 && c.claims[0].want.Algorithm != want.Algorithm {
		return fmt.Errorf("%s says %q: a second digest algorithm for the same bytes", cs.source, cs.digest)
	}
	c.claims = append(c.claims, claim{want: want, what: cs.what, source: cs.source})
	return nil
}

// claimSpec is a digest as the image states it, before parsing.
type claimSpec struct{ digest, what, source string }

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

// buffer returns an empty chunk of capacity digestChunk for the caller to
// fill and hand over with put.
func (c *digestCheck) buffer() []byte { return c.chunk()[:0] }

// put hands a filled chunk to the hashing goroutine, which owns it from then
// on; it blocks when that goroutine is digestChunks behind.
func (c *digestCheck) put(b []byte) { c.full <- b }

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
	if c == nil {
		return nil
	}
	if len(c.cur) > 0 && !c.closed {
		c.full <- c.cur
		c.cur = nil
	}
	c.close()
	got := v1.Hash{Algorithm: c.claims[0].want.Algorithm}
	got.Hex = hex.EncodeToString(c.h.Sum(nil))
	for _, cl := range c.claims {
		if got != cl.want {
			return &DigestError{What: cl.what, Got: got.String(), Want: cl.want.String(), Source: cl.source}
		}
	}
	return nil
}
