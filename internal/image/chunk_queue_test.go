package image

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestChunkQueueReusesSlots takes every chunk of a section with more chunks
// than slots, the two takers each in turn far ahead: each must see every
// chunk's own bytes, read once, whoever read it.
func TestChunkQueueReusesSlots(t *testing.T) {
	data := patterned(10*digestChunk + 99)
	for _, slow := range []int{takerTar, takerHash} {
		ra := &countingReaderAt{r: bytes.NewReader(data)}
		q := newChunkQueue(ra, int64(len(data)), 3)
		var wg sync.WaitGroup
		for who := range 2 {
			wg.Go(func() {
				for k := range q.chunks() {
					if who == slow && k%4 == 0 {
						time.Sleep(time.Millisecond) // let the other taker wait for a slot
					}
					b, err := q.take(who, k)
					if err != nil {
						t.Errorf("taker %d, chunk %d: %v", who, k, err)
						return
					}
					if !bytes.Equal(b, data[k*digestChunk:min(int64(len(data)), (k+1)*digestChunk)]) {
						t.Errorf("taker %d, chunk %d: wrong bytes", who, k)
					}
				}
				q.done(who)
			})
		}
		wg.Wait()
		if ra.n != int64(len(data)) {
			t.Errorf("slow taker %d: read %d bytes of %d", slow, ra.n, len(data))
		}
	}
}

// TestChunkQueueStop ends a take that waits for a slot.
func TestChunkQueueStop(t *testing.T) {
	data := patterned(4 * digestChunk)
	q := newChunkQueue(bytes.NewReader(data), int64(len(data)), 2)
	for k := range int64(2) {
		if _, err := q.take(takerHash, k); err != nil {
			t.Fatal(err)
		}
	}
	go func() { time.Sleep(10 * time.Millisecond); q.stop() }()
	if _, err := q.take(takerHash, 2); !errors.Is(err, errQueueStopped) {
		t.Errorf("take while the other taker holds every slot: err = %v, want %v", err, errQueueStopped)
	}
}

type countingReaderAt struct {
	r  *bytes.Reader
	mu sync.Mutex
	n  int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.mu.Lock()
	c.n += int64(n)
	c.mu.Unlock()
	return n, err
}
