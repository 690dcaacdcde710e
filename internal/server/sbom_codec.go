package server

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"

	"github.com/bulwarksec/bulwark/internal/sbom"
)

// The zstd codecs of stored SBOMs, made once on first use. Both are safe
// for concurrent EncodeAll and DecodeAll calls; a set-up error is returned
// by every call instead of being dropped.
var (
	sbomEncoder = sync.OnceValues(func() (*zstd.Encoder, error) {
		return zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	})
	sbomDecoder = sync.OnceValues(func() (*zstd.Decoder, error) {
		return zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(1<<30))
	})
)

// encodeSBOM is the stored form of an SBOM: zstd-compressed Bulwark JSON.
func encodeSBOM(sb *sbom.SBOM) ([]byte, error) {
	enc, err := sbomEncoder()
	if err != nil {
		return nil, fmt.Errorf("zstd encoder: %w", err)
	}
	b, err := json.Marshal(sb)
	if err != nil {
		return nil, err
	}
	return enc.EncodeAll(b, nil), nil
}

func decodeSBOM(blob []byte) (*sbom.SBOM, error) {
	dec, err := sbomDecoder()
	if err != nil {
		return nil, fmt.Errorf("zstd decoder: %w", err)
	}
	b, err := dec.DecodeAll(blob, nil)
	if err != nil {
		return nil, err
	}
	var sb sbom.SBOM
	if err := json.Unmarshal(b, &sb); err != nil {
		return nil, err
	}
	return &sb, nil
}
