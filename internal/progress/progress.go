// Package progress draws a one-line progress display for long work (layer
// downloads) on a terminal, and nothing when output is not a terminal.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// Bar reports bytes read per layer. Its zero value and a nil *Bar are silent.
type Bar struct {
	mu    sync.Mutex
	label string
	w     io.Writer
	total []int64
	last  time.Time
	drawn bool
}

// ForStderr returns a Bar drawing on stderr when it is a terminal and quiet
// is false, else nil (silent).
func ForStderr(quiet bool) *Bar { return For(os.Stderr, quiet) }

// For returns a Bar drawing on f when f is a terminal and quiet is false,
// else nil (silent).
func For(f *os.File, quiet bool) *Bar {
	if quiet || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &Bar{w: f}
}

// SetLayers gives the stored size of each layer (-1 when unknown).
func (b *Bar) SetLayers(sizes []int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.total = sizes
	b.mu.Unlock()
}

// SetLabel names what is counted ("layer" by default, "feed"...).
func (b *Bar) SetLabel(label string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.label = label
	b.mu.Unlock()
}

// SetSize sets the size of item i once it is known.
func (b *Bar) SetSize(i int, size int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	if i < len(b.total) {
		b.total[i] = size
	}
	b.mu.Unlock()
}

// Layer records that read bytes of layer i have been read; it redraws at
// most ten times a second.
func (b *Bar) Layer(i int, read int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if time.Since(b.last) < 100*time.Millisecond {
		return
	}
	b.last = time.Now()
	size := "?"
	if i < len(b.total) && b.total[i] > 0 {
		size = mib(b.total[i])
	}
	label := b.label
	if label == "" {
		label = "layer"
	}
	fmt.Fprintf(b.w, "\r\033[K%s %d/%d  %s / %s", label, i+1, len(b.total), mib(read), size)
	b.drawn = true
}

// Done clears the line.
func (b *Bar) Done() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		fmt.Fprint(b.w, "\r\033[K")
	}
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
