package image

import (
	"errors"
	"io"
	"sync"
)

// errQueueStopped ends a chunkQueue's takes once it is stopped.
var errQueueStopped = errors.New("stopped before the end")

// chunkQueue reads a section of a ReaderAt once, in chunks, for two
// consumers that each take every chunk in order: the tar reader and the
// hash. Whichever first needs a chunk not yet read reads it itself, so the
// reading falls to whichever is ahead and no third goroutine has to find
// a core for it. A chunk's buffer is reused once both consumers are past
// it, so the queue never holds more than len(slots) chunks.
type chunkQueue struct {
	ra      io.ReaderAt
	size    int64
	mu      sync.Mutex
	cond    sync.Cond
	slots   [][]byte
	read    int64    // chunks 0 to read-1 are in their slots
	reading bool     // a consumer is reading chunk read
	at      [2]int64 // the chunk each consumer holds; it is past those below
	err     error
	stopped bool
}

// wakeBatch is how many slots a consumer waiting for one is woken for.
const wakeBatch = 8

func newChunkQueue(ra io.ReaderAt, size int64, chunks int) *chunkQueue {
	q := &chunkQueue{ra: ra, size: size, slots: make([][]byte, chunks)}
	q.cond.L = &q.mu
	return q
}

// chunks is how many chunks the section has.
func (q *chunkQueue) chunks() int64 { return (q.size + digestChunk - 1) / digestChunk }

// take gives consumer who chunk k, reading it if neither has yet; who must
// be past every chunk below k. The bytes stay valid until who takes
// another chunk.
func (q *chunkQueue) take(who int, k int64) ([]byte, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.at[who] = k
	if k%wakeBatch == 0 {
		// The other consumer may wait for a slot. Waking it costs a
		// thread wake-up, up to 100µs on a virtual machine: it is woken
		// for a few slots at once, not for each.
		q.cond.Broadcast()
	}
	for {
		switch {
		case q.stopped:
			return nil, errQueueStopped
		case k < q.read:
			return q.chunk(k), nil
		case q.err != nil:
			return nil, q.err
		case !q.reading && k < min(q.at[0], q.at[1])+int64(len(q.slots)):
			q.readChunk(k)
		default:
			q.cond.Wait()
		}
	}
}

// chunk is chunk k's bytes in its slot.
func (q *chunkQueue) chunk(k int64) []byte {
	s := &q.slots[k%int64(len(q.slots))]
	if *s == nil {
		*s = make([]byte, digestChunk)
	}
	return (*s)[:min(digestChunk, q.size-k*digestChunk)]
}

// readChunk reads chunk k, the next unread one, with q.mu unlocked so that
// the other consumer can go on with the chunks read before it.
func (q *chunkQueue) readChunk(k int64) {
	b := q.chunk(k)
	q.reading = true
	q.mu.Unlock()
	n, err := q.ra.ReadAt(b, k*digestChunk)
	q.mu.Lock()
	q.reading = false
	switch {
	case n == len(b):
		q.read++
	case err == nil || err == io.EOF:
		q.err = io.ErrUnexpectedEOF
	default:
		q.err = err
	}
	q.cond.Broadcast()
}

// done says that consumer who is past every chunk.
func (q *chunkQueue) done(who int) {
	q.mu.Lock()
	q.at[who] = q.chunks() + int64(len(q.slots))
	q.cond.Broadcast()
	q.mu.Unlock()
}

// stop ends every take, waiting or to come.
func (q *chunkQueue) stop() {
	q.mu.Lock()
	q.stopped = true
	q.cond.Broadcast()
	q.mu.Unlock()
}
