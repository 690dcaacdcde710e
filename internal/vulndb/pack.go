package vulndb

import (
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Advisory records are stored zstd-compressed: their free text (details,
// references) is most of a database's size and compresses well, and a
// record is read only once per finding.
var (
	packOnce sync.Once
	packEnc  *zstd.Encoder
	packDec  *zstd.Decoder
)

func packers() (*zstd.Encoder, *zstd.Decoder) {
	packOnce.Do(func() {
		packEnc, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBetterCompression), zstd.WithEncoderConcurrency(1))
		packDec, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(64<<20))
	})
	return packEnc, packDec
}

// pack compresses a stored value.
func pack(b []byte) []byte {
	enc, _ := packers()
	return enc.EncodeAll(b, make([]byte, 0, len(b)/3))
}

// unpack reverses pack.
func unpack(b []byte) ([]byte, error) {
	_, dec := packers()
	out, err := dec.DecodeAll(b, nil)
	if err != nil {
		return nil, fmt.Errorf("stored record: %w", err)
	}
	return out, nil
}
