package image

import (
	"bytes"
	"io/fs"
)

// Selection says whether a squash keeps a file's content for later reading.
type Selection struct {
	Keep bool
	// Markers, when not empty, keep the file only if its content holds one
	// of them (Go build info in a binary, say): the content is scanned as it
	// streams past, and nothing else of the file is kept.
	Markers [][]byte
}

// Selector chooses the files whose contents a squash keeps, by their
// canonical slash-separated path (no leading slash) and mode.
type Selector func(name string, mode fs.FileMode) Selection

// markerScanner looks for any of its markers in a stream written to it,
// across write boundaries.
type markerScanner struct {
	markers [][]byte
	carry   []byte
	found   bool
	longest int
}

func newMarkerScanner(markers [][]byte) *markerScanner {
	m := &markerScanner{markers: markers}
	for _, mk := range markers {
		m.longest = max(m.longest, len(mk))
	}
	return m
}

func (m *markerScanner) Write(p []byte) (int, error) {
	if m.found {
		return len(p), nil
	}
	if len(m.carry) > 0 {
		// Only the seam needs the joined bytes: carry plus the start of p.
		seam := append(m.carry, p[:min(len(p), m.longest-1)]...)
		if m.match(seam) {
			return len(p), nil
		}
	}
	if m.match(p) {
		return len(p), nil
	}
	keep := min(len(p), m.longest-1)
	m.carry = append(m.carry[:0], p[len(p)-keep:]...)
	return len(p), nil
}

func (m *markerScanner) match(b []byte) bool {
	for _, mk := range m.markers {
		if bytes.Contains(b, mk) {
			m.found = true
			return true
		}
	}
	return false
}
