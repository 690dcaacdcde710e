// Package image opens container images from registries, archives, OCI
// layouts, a Docker Engine or a plain directory, and presents each as one
// squashed, read-only file system whose files stream from the layer tarballs.
package image

import (
	"context"
	"errors"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Image is an opened image: its identity, its configuration and its layers
// from the base upwards. Close releases the files and connections it holds.
type Image struct {
	// Ref is the target as the user named it.
	Ref string
	// ID is the digest of the image configuration ("sha256:...").
	ID string
	// Digest is the manifest digest when the image came with a manifest.
	Digest string
	// Tags are the names the source gave the image (docker-archive RepoTags,
	// the registry tag).
	Tags   []string
	Config *v1.ConfigFile
	Layers []Layer
	// SkipVerify lets Squash read layers whose bytes do not hash to their
	// diff ID and digest (Options.SkipVerify; --skip-verify). By default
	// every layer is checked as it streams.
	SkipVerify bool

	closers []io.Closer
}

// Layer is one filesystem layer of an Image.
type Layer struct {
	// DiffID is the digest of the uncompressed layer tar, as the image
	// configuration lists it; packages record it as their origin.
	DiffID string
	// Digest is the digest of the blob as stored (compressed or not).
	Digest string
	// Size is the size of the stored blob in bytes, or -1 when unknown.
	Size int64
	// BlobVerified says that Open's stream checks itself against Digest,
	// failing at its end (go-containerregistry's registry blobs do), so
	// Squash need not hash the stored bytes again.
	BlobVerified bool
	// MediaType is the stored blob's media type, when the source says.
	MediaType string
	// Open returns the stored blob; compression is detected from its bytes.
	Open func(ctx context.Context) (io.ReadCloser, error)
	// Seekable, when set, returns the layer as an uncompressed random-access
	// tar, so that file contents can be read without copying them.
	Seekable func() (io.ReaderAt, int64, bool)
}

// Close releases what the image holds open.
func (img *Image) Close() error {
	var errs []error
	for i := len(img.closers) - 1; i >= 0; i-- {
		errs = append(errs, img.closers[i].Close())
	}
	img.closers = nil
	return errors.Join(errs...)
}

// DiffIDs lists the layer diff IDs, base first.
func (img *Image) DiffIDs() []string {
	ids := make([]string, len(img.Layers))
	for i, l := range img.Layers {
		ids[i] = l.DiffID
	}
	return ids
}
