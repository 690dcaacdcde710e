package image

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
)

// layerStream is one layer's tar stream with its byte counts.
type layerStream struct {
	tar          *tar.Reader
	stored, raw  *offsetReader
	seekable     io.ReaderAt
	close        func() error
	decompressed io.Reader
	// checks hash the stream as it is read: the stored blob and the tar,
	// or one check for both when the blob is the tar.
	checks []verifier
}

func (s *squasher) open(ctx context.Context, i int, l Layer) (*layerStream, error) {
	if l.Seekable != nil {
		if ra, size, ok := l.Seekable(); ok {
			return s.openSeekable(l, ra, size)
		}
	}
	return s.openStream(ctx, i, l)
}

// openSeekable reads an uncompressed layer in place; the tar reader seeks
// over contents. Verified, the layer is read once, in order, into buffers
// that the tar reader and a hashing goroutine both read (hashedSection).
func (s *squasher) openSeekable(l Layer, ra io.ReaderAt, size int64) (*layerStream, error) {
	raw := &offsetReader{r: newBufSection(ra, size)}
	ls := &layerStream{stored: raw, raw: raw, seekable: ra, decompressed: raw, close: func() error { return nil }}
	ls.tar = tar.NewReader(raw)
	if !s.verify {
		return ls, nil
	}
	cs, err := parseClaims(contentClaim(l), blobClaim(l))
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return ls, nil
	}
	hs, err := newHashedSection(ra, size, cs)
	if err != nil {
		return nil, err
	}
	raw.r = hs
	ls.checks = []verifier{hs}
	ls.close = func() error { hs.close(); return nil }
	return ls, nil
}

// openStream reads a layer blob as a stream, decompressing it.
func (s *squasher) openStream(ctx context.Context, i int, l Layer) (*layerStream, error) {
	blob, err := s.check(blobClaim(l))
	if err != nil {
		return nil, err
	}
	rc, err := l.Open(ctx)
	if err != nil {
		blob.close()
		return nil, err
	}
	stored := &offsetReader{r: &progressReader{r: rc, layer: i, report: s.opts.Progress}}
	if blob != nil {
		stored.r = io.TeeReader(stored.r, blob)
	}
	dr, compressed, err := decompress(stored)
	if err != nil {
		blob.close()
		rc.Close()
		return nil, fmt.Errorf("corrupt layer: %w", err)
	}
	var content *digestCheck
	if !compressed && blob != nil {
		err = blob.add(contentClaim(l)) // the blob is the tar: one hash
	} else {
		content, err = s.check(contentClaim(l))
	}
	if err != nil {
		blob.close()
		dr.Close()
		rc.Close()
		return nil, err
	}
	raw := &offsetReader{r: dr}
	ls := &layerStream{stored: stored, raw: raw, decompressed: raw}
	for _, c := range []*digestCheck{blob, content} {
		if c != nil {
			ls.checks = append(ls.checks, c)
		}
	}
	if content != nil {
		raw.r = io.TeeReader(dr, content)
	}
	ls.tar = tar.NewReader(noSeek{raw})
	ls.close = func() error { blob.close(); content.close(); dr.Close(); return rc.Close() }
	return ls, nil
}

// check returns a digestCheck of claims, or nil when the image is read
// without verification.
func (s *squasher) check(claims ...claimSpec) (*digestCheck, error) {
	if !s.verify {
		return nil, nil
	}
	return newDigestCheck(claims...)
}

func contentClaim(l Layer) claimSpec { return claimSpec{l.DiffID, "content", "config"} }

// blobClaim is the stored blob's digest, unless its stream checks itself.
func blobClaim(l Layer) claimSpec {
	if l.BlobVerified {
		return claimSpec{}
	}
	return claimSpec{l.Digest, "blob", "manifest"}
}

// noSeek hides Seek so the tar reader reads (and decompresses) through.
type noSeek struct{ io.Reader }

// finish reads the layer to its end, past the tar's end-of-archive blocks,
// so that the compressed stream's checksum and the digests cover every
// byte, then compares the digests.
func (ls *layerStream) finish() error {
	if ls.seekable == nil || len(ls.checks) > 0 {
		if _, err := io.Copy(io.Discard, ls.decompressed); err != nil {
			return fmt.Errorf("truncated or corrupt: %w", err)
		}
	}
	if ls.seekable == nil {
		// The decompressor may stop before the end of the blob.
		if _, err := io.Copy(io.Discard, ls.stored); err != nil {
			return fmt.Errorf("truncated or corrupt: %w", err)
		}
	}
	for _, c := range ls.checks {
		if err := c.verify(); err != nil {
			return err
		}
	}
	return nil
}

type progressReader struct {
	r      io.Reader
	layer  int
	n      int64
	report func(int, int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	if p.report != nil {
		p.report(p.layer, p.n)
	}
	return n, err
}
