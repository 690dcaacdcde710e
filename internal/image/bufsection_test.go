package image

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
)

// TestBufSection drives bufSection and a bytes.Reader with the same random
// reads and seeks; every result must agree.
func TestBufSection(t *testing.T) {
	data := patterned(3*bufSectionSize + 777)
	rng := rand.New(rand.NewPCG(1, 2))
	b := newBufSection(bytes.NewReader(data), int64(len(data)))
	want := bytes.NewReader(data)
	for step := 0; step < 5000; step++ {
		if rng.IntN(3) == 0 {
			off := rng.Int64N(int64(len(data)) + 100)
			g, gerr := b.Seek(off, io.SeekStart)
			w, werr := want.Seek(off, io.SeekStart)
			if g != w || (gerr == nil) != (werr == nil) {
				t.Fatalf("step %d: Seek(%d) = %d, %v; want %d, %v", step, off, g, gerr, w, werr)
			}
			continue
		}
		n := 1 + rng.IntN(2*bufSectionSize)
		if rng.IntN(2) == 0 {
			n = 1 + rng.IntN(600)
		}
		gp, wp := make([]byte, n), make([]byte, n)
		gn, gerr := io.ReadFull(b, gp)
		wn, werr := io.ReadFull(want, wp)
		if gn != wn || gerr != werr || !bytes.Equal(gp[:gn], wp[:wn]) {
			t.Fatalf("step %d: read %d: got %d, %v; want %d, %v", step, n, gn, gerr, wn, werr)
		}
	}
}

// patterned returns n bytes that repeat with a period that is no power of
// two, so that a read from the wrong offset shows.
func patterned(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7 % 251)
	}
	return b
}
