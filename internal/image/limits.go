package image

import "fmt"

// Limits bound what a layer may make the scanner do. Layers are untrusted:
// a crafted one must end in a clear error, not in a full disk or a hang.
type Limits struct {
	// MaxEntrySize is the largest single file a layer may hold.
	MaxEntrySize int64
	// MaxLayerSize bounds the uncompressed bytes of one layer.
	MaxLayerSize int64
	// MaxRatio bounds uncompressed/compressed size once a layer has
	// expanded past RatioFloor bytes (a decompression bomb check).
	MaxRatio   int64
	RatioFloor int64
	// MaxEntries bounds the number of entries in one layer.
	MaxEntries int
	// MaxKeptSize is the largest file whose content is kept for catalogers;
	// larger ones are listed but not read.
	MaxKeptSize int64
}

// DefaultLimits returns limits generous for real images: the largest layers seen in the
// wild are tens of GiB and compress at most 20 to 1.
func DefaultLimits() Limits {
	return Limits{
		MaxEntrySize: 32 << 30,
		MaxLayerSize: 128 << 30,
		MaxRatio:     200,
		RatioFloor:   256 << 20,
		MaxEntries:   4 << 20,
		MaxKeptSize:  1 << 30,
	}
}

// LimitError reports input that went past a Limit.
type LimitError struct {
	What  string
	Limit int64
}

func (e *LimitError) Error() string { return fmt.Sprintf("%s (limit %d)", e.What, e.Limit) }
