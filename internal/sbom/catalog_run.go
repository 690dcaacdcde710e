package sbom

import (
	"context"
	"io/fs"
	"runtime"
	"sync"
)

// catalogResult is what one cataloger returned.
type catalogResult struct {
	pkgs []Package
	err  error
}

// runCatalogers runs each cataloger over the files it matches, as many at
// once as there are cores: catalogers only read the file system, and each
// result keeps its cataloger's place, so the SBOM does not depend on which
// one ends first.
func runCatalogers(ctx context.Context, fsys fs.FS, files []candidate, cats []Cataloger, distro Distro) []catalogResult {
	out := make([]catalogResult, len(cats))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, c := range cats {
		var paths []string
		for _, f := range files {
			if c.Match(f.path, f.mode) {
				paths = append(paths, f.path)
			}
		}
		if len(paths) == 0 {
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			out[i].pkgs, out[i].err = c.Catalog(ctx, Input{FS: fsys, Paths: paths, Distro: distro})
		})
	}
	wg.Wait()
	return out
}
