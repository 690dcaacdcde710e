package image

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// TestHashedSectionReadsAndHashesOnce reads across chunk seams and seeks
// over whole chunks: what is read must be the section's bytes, and the hash
// must cover every byte, skipped or read.
func TestHashedSectionReadsAndHashesOnce(t *testing.T) {
	data := patterned(3*digestChunk + 777)
	tests := []struct {
		name string
		ops  []int64 // > 0: read that many bytes; < 0: seek forward
	}{
		{"read all", []int64{int64(len(data))}},
		{"read across a seam", []int64{digestChunk - 10, 20, -5}},
		{"skip whole chunks", []int64{512, -2 * digestChunk, 512}},
		{"seek to the end", []int64{-int64(len(data))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := parseClaims(claimSpec{sha(data), "content", "config"})
			if err != nil {
				t.Fatal(err)
			}
			h, err := newHashedSection(bytes.NewReader(data), int64(len(data)), cs)
			if err != nil {
				t.Fatal(err)
			}
			defer h.close()
			var pos int64
			for _, op := range tt.ops {
				if op < 0 {
					pos = min(pos-op, int64(len(data)))
					if _, err := h.Seek(pos, io.SeekStart); err != nil {
						t.Fatal(err)
					}
					continue
				}
				got := make([]byte, op)
				n, err := io.ReadFull(h, got)
				if err != nil && int64(n) != int64(len(data))-pos {
					t.Fatalf("read %d at %d: %d bytes, %v", op, pos, n, err)
				}
				if !bytes.Equal(got[:n], data[pos:pos+int64(n)]) {
					t.Fatalf("read %d at %d: wrong bytes", op, pos)
				}
				pos += int64(n)
			}
			if _, err := io.Copy(io.Discard, h); err != nil {
				t.Fatal(err)
			}
			if err := h.verify(); err != nil {
				t.Fatal(err)
			}
			if _, err := h.Seek(0, io.SeekStart); err == nil {
				t.Error("seeking back into hashed data succeeded")
			}
		})
	}
}

func TestHashedSectionEndsEarly(t *testing.T) {
	data := patterned(5 * digestChunk)
	cs, err := parseClaims(claimSpec{sha(data), "content", "config"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ra   io.ReaderAt
		read int
		want error
	}{
		{"file shorter than the section", bytes.NewReader(data[:2*digestChunk+5]), len(data), io.ErrUnexpectedEOF},
		{"reader stops after one chunk", bytes.NewReader(data), digestChunk, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := newHashedSection(tt.ra, int64(len(data)), cs)
			if err != nil {
				t.Fatal(err)
			}
			_, err = io.ReadFull(h, make([]byte, tt.read))
			if !errors.Is(err, tt.want) {
				t.Errorf("read: err = %v, want %v", err, tt.want)
			}
			h.close() // must not hang with the reading goroutine ahead or failed
			if err := h.verify(); err == nil {
				t.Error("verify of a section not read to its end succeeded")
			}
		})
	}
}
