package vulndb

import (
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Advisory records are stored zstd-compressed: their free text (details,
// references) is most of a database's size and compresses well, and a
// record is read only once per finding. The codecs are made once, on first
// use; a set-up error is returned by every call instead of being dropped.
var (
	packEncoder = sync.OnceValues(func() (*zstd.Encoder, error) {
		return zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBetterCompression), zstd.WithEncoderConcurrency(1))
	})
	packDecoder = sync.OnceValues(func() (*zstd.Decoder, error) {
		return zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(64<<20))
	})
)

// pack compresses a stored value.
func pack(b []byte) ([]byte, error) {
	enc, err := packEncoder()
	if err != nil {
		return nil, fmt.Errorf("zstd encoder: %w", err)
	}
	return enc.EncodeAll(b, make([]byte, 0, len(b)/3)), nil
}

// unpack reverses pack.
func unpack(b []byte) ([]byte, error) {
	dec, err := packDecoder()
	if err != nil {
		return nil, fmt.Errorf("zstd decoder: %w", err)
	}
	out, err := dec.DecodeAll(b, nil)
	if err != nil {
		return nil, fmt.Errorf("stored record: %w", err)
	}
	return out, nil
}
