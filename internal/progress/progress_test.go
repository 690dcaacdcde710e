package progress

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

func TestSilentWhenNotATerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if b := For(w, false); b != nil {
		t.Fatal("a pipe got a progress bar")
	}
	var nilBar *Bar
	nilBar.SetLayers([]int64{1})
	nilBar.Layer(0, 1)
	nilBar.Done() // a nil Bar must not panic
}

func TestDrawsAndClears(t *testing.T) {
	var buf bytes.Buffer
	b := &Bar{w: &buf}
	b.SetLayers([]int64{3 << 20, -1})
	b.Layer(0, 1<<20)
	if got := buf.String(); !strings.Contains(got, "layer 1/2  1.0 MiB / 3.0 MiB") {
		t.Fatalf("first draw = %q", got)
	}
	b.Layer(1, 2<<20) // within 100 ms: not redrawn
	if strings.Contains(buf.String(), "layer 2/2") {
		t.Fatal("redrew within 100 ms")
	}
	b.last = time.Now().Add(-time.Second)
	b.Layer(1, 2<<20)
	if got := buf.String(); !strings.Contains(got, "layer 2/2  2.0 MiB / ?") {
		t.Fatalf("second draw = %q", got)
	}
	b.Done()
	if !strings.HasSuffix(buf.String(), "\r\033[K") {
		t.Fatalf("Done did not clear the line: %q", buf.String())
	}
}
