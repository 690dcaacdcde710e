package sbom

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bulwarksec/bulwark/internal/image"
)

// SBOM is what a scan found in one target.
type SBOM struct {
	Source   SourceInfo `json:"source"`
	Distro   Distro     `json:"distro,omitzero"`
	Packages []Package  `json:"packages"`
	// Warnings are problems that did not stop the scan (an unreadable file,
	// a corrupt manifest), each naming its input.
	Warnings []string `json:"warnings,omitempty"`
}

// SourceInfo identifies the scanned target.
type SourceInfo struct {
	Target       string   `json:"target"`
	ImageID      string   `json:"imageID,omitempty"`
	Digest       string   `json:"digest,omitempty"`
	Tags         []string `json:"tags,omitempty"`
	Layers       []string `json:"layers,omitempty"`
	OS           string   `json:"os,omitempty"`
	Architecture string   `json:"architecture,omitempty"`
}

// Options configure a catalog run.
type Options struct {
	// Catalogers to run; nil means all of Catalogers().
	Catalogers []Cataloger
	// Squash configures how image layers are read.
	Squash image.SquashOptions
	// Exclude lists directories (canonical, no leading "/") not walked in
	// directory scans.
	Exclude []string
}

func (o Options) catalogers() []Cataloger {
	if o.Catalogers != nil {
		return o.Catalogers
	}
	return Catalogers()
}

// Selector returns the image squash selector that keeps exactly the files
// the catalogers read.
func Selector(cats []Cataloger) image.Selector {
	return func(name string, mode fs.FileMode) image.Selection {
		if isOSReleaseFile(name) {
			return image.Selection{Keep: true}
		}
		var sel image.Selection
		for _, c := range cats {
			if !c.Match(name, mode) {
				continue
			}
			s, ok := c.(Sniffer)
			if !ok {
				return image.Selection{Keep: true}
			}
			sel.Keep = true
			sel.Markers = append(sel.Markers, s.Markers()...)
		}
		return sel
	}
}

// CatalogImage squashes img and catalogs its packages.
func CatalogImage(ctx context.Context, img *image.Image, opts Options) (*SBOM, error) {
	cats := opts.catalogers()
	sq := opts.Squash
	sq.Select = Selector(cats)
	fsys, err := image.Squash(ctx, img, sq)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", img.Ref, err)
	}
	defer fsys.Close()
	files := make([]candidate, 0, 256)
	for _, p := range fsys.Kept() {
		if fi, err := fsys.Lstat(p); err == nil {
			files = append(files, candidate{p, fi.Mode()})
		}
	}
	s, err := catalog(ctx, fsys, files, cats)
	if err != nil {
		return nil, err
	}
	s.Warnings = append(fsys.Warnings, s.Warnings...)
	s.Source = SourceInfo{Target: img.Ref, ImageID: img.ID, Digest: img.Digest, Tags: img.Tags, Layers: img.DiffIDs()}
	if img.Config != nil {
		s.Source.OS, s.Source.Architecture = img.Config.OS, img.Config.Architecture
	}
	return s, nil
}

// CatalogDir catalogs a directory: a root file system or a source tree.
func CatalogDir(ctx context.Context, dir string, opts Options) (*SBOM, error) {
	d, err := image.OpenDir(dir)
	if err != nil {
		return nil, fmt.Errorf("dir:%s: %w", dir, err)
	}
	defer d.Close()
	cats := opts.catalogers()
	sel := Selector(cats)
	exclude := opts.Exclude
	if filepath.Clean(dir) == "/" {
		// A live machine's root: the kernel's virtual file systems hold no
		// packages and are costly or endless to walk.
		exclude = append(exclude, "proc", "sys", "dev", "run")
	}
	files, err := walkDir(ctx, d, sel, exclude)
	if err != nil {
		return nil, fmt.Errorf("dir:%s: %w", dir, err)
	}
	s, err := catalog(ctx, d, files, cats)
	if err != nil {
		return nil, err
	}
	s.Source = SourceInfo{Target: "dir:" + dir}
	return s, nil
}

type candidate struct {
	path string
	mode fs.FileMode
}

// walkDir lists the regular files of a directory that sel keeps. Modes are
// read only for files that may need their permission bits.
func walkDir(ctx context.Context, fsys fs.FS, sel image.Selector, exclude []string) ([]candidate, error) {
	var out []candidate
	n := 0
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if n++; n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			return nil // unreadable directories are skipped, as find(1) does
		}
		if d.IsDir() {
			if slices.Contains(exclude, p) {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if sel(p, info.Mode()).Keep {
			out = append(out, candidate{p, info.Mode()})
		}
		return nil
	})
	return out, err
}

// catalog runs each cataloger over the files it matches, then fills in
// layers, IDs and ownership.
func catalog(ctx context.Context, fsys fs.FS, files []candidate, cats []Cataloger) (*SBOM, error) {
	s := &SBOM{Distro: DetectDistro(fsys)}
	results := runCatalogers(ctx, fsys, files, cats, s.Distro)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	for i, r := range results {
		if r.err != nil {
			for _, line := range strings.Split(r.err.Error(), "\n") {
				s.Warnings = append(s.Warnings, cats[i].Name()+": "+line)
			}
		}
		s.Packages = append(s.Packages, r.pkgs...)
	}
	finish(fsys, s.Packages)
	return s, nil
}

// layered is a file system that knows which layer wrote each file.
type layered interface{ Layer(name string) string }

func finish(fsys fs.FS, pkgs []Package) {
	lf, _ := fsys.(layered)
	for i := range pkgs {
		p := &pkgs[i]
		for j := range p.Locations {
			if lf != nil && p.Locations[j].Layer == "" {
				outer, _, _ := strings.Cut(p.Locations[j].Path, ":")
				p.Locations[j].Layer = lf.Layer(outer)
			}
		}
		p.ID = packageID(p)
	}
	linkOwners(fsys, pkgs)
	slices.SortStableFunc(pkgs, func(a, b Package) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version), cmp.Compare(a.ID, b.ID))
	})
}

func packageID(p *Package) string {
	h := sha256.New()
	loc := ""
	if len(p.Locations) > 0 {
		loc = p.Locations[0].Path
	}
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s", p.Type, p.Name, p.Version, p.Arch, loc)
	return hex.EncodeToString(h.Sum(nil)[:8])
}
