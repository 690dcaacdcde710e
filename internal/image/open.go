package image

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Options configure how images are fetched.
type Options struct {
	// Platform picks one image from a multi-arch index; default linux/amd64.
	Platform *v1.Platform
	// InsecureRegistries may be reached over plain HTTP (loopback always may).
	InsecureRegistries []string
	// CacheDir keeps downloaded layers by digest; empty means no cache.
	CacheDir string
	// TempDir holds spooled images (docker engine exports); default os.TempDir.
	TempDir string
	// DockerHost overrides DOCKER_HOST for docker: targets.
	DockerHost string
	// Credentials, when set, are tried first for a registry host (a
	// registry connected to `bulwark serve`).
	Credentials func(host string) (username, secret string, ok bool)
	// DockerConfig also uses the credentials of the account running
	// Bulwark (~/.docker/config.json and its helpers). The CLI does; a
	// server never does: its admins must not borrow that account's access.
	DockerConfig bool
	// Transport carries registry traffic (default NewTransport(nil, 0)).
	Transport http.RoundTripper
	// SkipVerify reads layers even when their bytes do not hash to the
	// digests the image gives for them; only a user may ask for it. Blobs
	// fetched from a registry are still checked by go-containerregistry as
	// they arrive.
	SkipVerify bool
}

// DefaultPlatform returns the platform picked from multi-arch images.
func DefaultPlatform() v1.Platform { return v1.Platform{OS: "linux", Architecture: "amd64"} }

func (o Options) platform() *v1.Platform {
	if o.Platform != nil {
		return o.Platform
	}
	p := DefaultPlatform()
	return &p
}

// Open opens an image target. dir: and sbom: targets have no image: use
// OpenDir for the former; the latter is read by package sbom.
func Open(ctx context.Context, t Target, opts Options) (*Image, error) {
	img, err := open(ctx, t, opts)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", t, err)
	}
	img.Ref = t.String()
	img.SkipVerify = opts.SkipVerify
	return img, nil
}

func open(ctx context.Context, t Target, opts Options) (*Image, error) {
	switch t.Scheme {
	case SchemeDockerArchive:
		return openArchiveImage(t.Ref, func(a *archiveFS) (*Image, error) { return readDockerArchive(a, "") })
	case SchemeOCIArchive:
		return openArchiveImage(t.Ref, func(a *archiveFS) (*Image, error) { return readOCILayout(a, opts.platform()) })
	case SchemeOCIDir:
		return openOCIDir(t.Ref, opts.platform())
	case SchemeRegistry:
		return openRegistry(ctx, t.Ref, opts)
	case SchemeDocker:
		return openDockerEngine(ctx, t.Ref, opts)
	default:
		return nil, fmt.Errorf("%s: targets are not images", t.Scheme)
	}
}

func openArchiveImage(name string, read func(*archiveFS) (*Image, error)) (*Image, error) {
	a, err := openArchive(name)
	if err != nil {
		return nil, err
	}
	img, err := read(a)
	if err != nil {
		a.Close()
		return nil, err
	}
	img.closers = append(img.closers, a)
	return img, nil
}

func openOCIDir(dir string, platform *v1.Platform) (*Image, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	ds := &dirStore{FS: root.FS(), root: root}
	img, err := readOCILayout(ds, platform)
	if err != nil {
		ds.Close()
		return nil, err
	}
	img.closers = append(img.closers, ds)
	return img, nil
}

// dirStore serves an OCI layout directory. os.Root keeps every open inside
// the directory, whatever symlinks it holds.
type dirStore struct {
	fs.FS
	root *os.Root
	mu   sync.Mutex
	open []io.Closer
}

func (d *dirStore) section(name string) (*io.SectionReader, bool) {
	f, err := d.root.Open(filepath.FromSlash(name))
	if err != nil {
		return nil, false
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, false
	}
	d.mu.Lock()
	d.open = append(d.open, f)
	d.mu.Unlock()
	return io.NewSectionReader(f, 0, st.Size()), true
}

func (d *dirStore) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.open {
		c.Close()
	}
	d.open = nil
	return d.root.Close()
}
