package imagehealth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// Disk answers from the verdicts `bulwark image` wrote under a directory
// (Write): by digest when the pod names one, else by reference. An image
// with no verdict there was never scanned on this machine.
type Disk struct {
	dir string
}

var _ policy.ImageHealth = (*Disk)(nil)

// NewDisk reads verdicts under dir.
func NewDisk(dir string) *Disk { return &Disk{dir: dir} }

// maxVerdictBytes bounds one verdict file (a few hundred bytes).
const maxVerdictBytes = 64 << 10

// Health returns the last verdict recorded for image.
func (d *Disk) Health(ctx context.Context, image string) (policy.ImageVerdict, error) {
	if err := ctx.Err(); err != nil {
		return policy.ImageVerdict{}, err
	}
	key, dgst, err := normalize(image)
	if err != nil {
		return policy.ImageVerdict{}, err
	}
	paths := []string{refPath(d.dir, key)}
	if dgst != "" {
		p, err := digestPath(d.dir, dgst)
		if err != nil {
			return policy.ImageVerdict{}, err
		}
		// The digest names the content, whichever reference scanned it.
		paths = []string{p, paths[0]}
	}
	for _, p := range paths {
		v, ok, err := readVerdict(p)
		if err != nil || ok {
			return v, err
		}
	}
	return policy.ImageVerdict{}, nil
}

// readVerdict reads one verdict file; ok is false when there is none.
func readVerdict(path string) (policy.ImageVerdict, bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return policy.ImageVerdict{}, false, nil
	}
	if err != nil {
		return policy.ImageVerdict{}, false, fmt.Errorf("image verdict: %w", err)
	}
	defer f.Close()
	var v Verdict
	if err := json.NewDecoder(io.LimitReader(f, maxVerdictBytes)).Decode(&v); err != nil {
		return policy.ImageVerdict{}, false, fmt.Errorf("image verdict %s: %w", path, err)
	}
	return policy.ImageVerdict{Scanned: true, Healthy: v.Healthy, Digest: v.Digest, Summary: v.Summary}, true, nil
}
