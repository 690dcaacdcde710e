package sbom

import (
	"context"
	"fmt"
	"os"

	"github.com/bulwarksec/bulwark/internal/image"
)

// TargetOptions configure FromTarget.
type TargetOptions struct {
	Image   image.Options
	Catalog Options
	// Progress, when set, hears how far layer reads have got.
	Progress Progress
}

// Progress is told the layer sizes of an image, then how much of each has
// been read.
type Progress interface {
	SetLayers(sizes []int64)
	Layer(i int, read int64)
}

// FromTarget lists the packages of any target: an image from any source, a
// directory, or an SBOM file read back.
func FromTarget(ctx context.Context, t image.Target, opts TargetOptions) (*SBOM, error) {
	switch t.Scheme {
	case image.SchemeDir:
		return CatalogDir(ctx, t.Ref, opts.Catalog)
	case image.SchemeSBOM:
		f, err := os.Open(t.Ref)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t, err)
		}
		defer f.Close()
		s, err := Decode(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t, err)
		}
		return s, nil
	}
	img, err := image.Open(ctx, t, opts.Image)
	if err != nil {
		return nil, err
	}
	defer img.Close()
	if opts.Progress != nil {
		sizes := make([]int64, len(img.Layers))
		for i, l := range img.Layers {
			sizes[i] = l.Size
		}
		opts.Progress.SetLayers(sizes)
		opts.Catalog.Squash.Progress = opts.Progress.Layer
	}
	return CatalogImage(ctx, img, opts.Catalog)
}
