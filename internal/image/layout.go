package image

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// blobStore is where archive and layout readers find their files: an
// archiveFS for tarballs, a directory for OCI layouts.
type blobStore interface {
	fs.FS
	section(name string) (*io.SectionReader, bool)
}

// maxMetadataSize bounds manifests, indexes and configurations.
const maxMetadataSize = 8 << 20

func readSmall(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxMetadataSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > maxMetadataSize {
		return nil, fmt.Errorf("%s: larger than %d bytes, not image metadata", name, maxMetadataSize)
	}
	return b, nil
}

// dockerManifest is one entry of a docker-archive's manifest.json.
type dockerManifest struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// readDockerArchive reads the image that `docker save` wrote into store.
func readDockerArchive(store blobStore, want string) (*Image, error) {
	raw, err := readSmall(store, "manifest.json")
	if err != nil {
		return nil, fmt.Errorf("not a docker-archive (no manifest.json): %w", err)
	}
	var ms []dockerManifest
	if err := json.Unmarshal(raw, &ms); err != nil {
		return nil, fmt.Errorf("manifest.json: %w", err)
	}
	m, err := pickDockerManifest(ms, want)
	if err != nil {
		return nil, err
	}
	cfgRaw, err := readSmall(store, m.Config)
	if err != nil {
		return nil, fmt.Errorf("image config %s: %w", m.Config, err)
	}
	img, err := imageFromConfig(cfgRaw, len(m.Layers))
	if err != nil {
		return nil, err
	}
	img.Tags = m.RepoTags
	for i, p := range m.Layers {
		img.Layers[i] = storeLayer(store, p, img.Layers[i].DiffID, "")
	}
	return img, nil
}

func pickDockerManifest(ms []dockerManifest, want string) (dockerManifest, error) {
	if len(ms) == 0 {
		return dockerManifest{}, fmt.Errorf("manifest.json lists no image")
	}
	if want == "" {
		return ms[0], nil
	}
	for _, m := range ms {
		for _, t := range m.RepoTags {
			if t == want {
				return m, nil
			}
		}
	}
	return dockerManifest{}, fmt.Errorf("no image tagged %q in the archive", want)
}

// imageFromConfig parses an image configuration and checks it lists the
// expected number of layers.
func imageFromConfig(raw []byte, layers int) (*Image, error) {
	cfg, err := v1.ParseConfigFile(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("image config: %w", err)
	}
	if len(cfg.RootFS.DiffIDs) != layers {
		return nil, fmt.Errorf("image config lists %d layers, the manifest %d", len(cfg.RootFS.DiffIDs), layers)
	}
	sum := sha256.Sum256(raw)
	img := &Image{ID: "sha256:" + hex.EncodeToString(sum[:]), Config: cfg, Layers: make([]Layer, layers)}
	for i, d := range cfg.RootFS.DiffIDs {
		img.Layers[i].DiffID = d.String()
	}
	return img, nil
}

func storeLayer(store blobStore, name, diffID, mediaType string) Layer {
	l := Layer{DiffID: diffID, Digest: digestFromPath(name), Size: -1, MediaType: mediaType}
	if sr, ok := store.section(name); ok {
		l.Size = sr.Size()
	}
	l.Open = func(context.Context) (io.ReadCloser, error) {
		f, err := store.Open(name)
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", diffID, err)
		}
		return f, nil
	}
	l.Seekable = func() (io.ReaderAt, int64, bool) {
		sr, ok := store.section(name)
		if !ok || isCompressedMedia(mediaType) || compressedAt(sr) {
			return nil, 0, false
		}
		return sr, sr.Size(), true
	}
	return l
}

// digestFromPath recovers a digest from blob paths like blobs/sha256/HEX.
func digestFromPath(p string) string {
	dir, hexpart := path.Split(p)
	if alg := path.Base(path.Clean(dir)); strings.HasPrefix(dir, "blobs/") && alg != "" {
		return alg + ":" + hexpart
	}
	return ""
}

func isCompressedMedia(mt string) bool {
	return strings.HasSuffix(mt, "gzip") || strings.HasSuffix(mt, "zstd")
}

// readOCILayout reads the image for platform from an OCI image layout.
func readOCILayout(store blobStore, platform *v1.Platform) (*Image, error) {
	raw, err := readSmall(store, "index.json")
	if err != nil {
		return nil, fmt.Errorf("not an OCI layout (no index.json): %w", err)
	}
	desc, err := resolveManifest(store, raw, platform, 0)
	if err != nil {
		return nil, err
	}
	mraw, err := readBlob(store, desc.Digest)
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", desc.Digest, err)
	}
	m, err := v1.ParseManifest(bytes.NewReader(mraw))
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", desc.Digest, err)
	}
	cfgRaw, err := readBlob(store, m.Config.Digest)
	if err != nil {
		return nil, fmt.Errorf("image config %s: %w", m.Config.Digest, err)
	}
	img, err := imageFromConfig(cfgRaw, len(m.Layers))
	if err != nil {
		return nil, err
	}
	img.Digest = desc.Digest.String()
	if name := desc.Annotations["org.opencontainers.image.ref.name"]; name != "" {
		img.Tags = []string{name}
	}
	for i, l := range m.Layers {
		img.Layers[i] = storeLayer(store, blobPath(l.Digest), img.Layers[i].DiffID, string(l.MediaType))
		img.Layers[i].Size = l.Size
	}
	return img, nil
}

func blobPath(d v1.Hash) string { return "blobs/" + d.Algorithm + "/" + d.Hex }

// readBlob reads a metadata blob (an index, manifest or configuration)
// and checks it hashes to the digest that names it: what points at it was
// checked the same way, so a layout cannot swap one in.
func readBlob(store blobStore, d v1.Hash) ([]byte, error) {
	b, err := readSmall(store, blobPath(d))
	if err != nil {
		return nil, err
	}
	cs, err := parseClaims(claimSpec{digest: d.String(), what: "blob", source: "its name"})
	if err != nil {
		return nil, err
	}
	h, err := cs.hasher()
	if err != nil {
		return nil, err
	}
	h.Write(b)
	if err := cs.compare(h.Sum(nil)); err != nil {
		return nil, err
	}
	return b, nil
}

// resolveManifest walks nested indexes down to the image manifest for the
// platform.
func resolveManifest(store blobStore, indexRaw []byte, platform *v1.Platform, depth int) (v1.Descriptor, error) {
	if depth > 4 {
		return v1.Descriptor{}, fmt.Errorf("image indexes nested too deeply")
	}
	idx, err := v1.ParseIndexManifest(bytes.NewReader(indexRaw))
	if err != nil {
		return v1.Descriptor{}, fmt.Errorf("image index: %w", err)
	}
	var found []v1.Descriptor
	for _, d := range idx.Manifests {
		if d.Platform != nil && platform != nil && !d.Platform.Satisfies(*platform) {
			continue
		}
		if d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" {
			continue
		}
		found = append(found, d)
	}
	if len(found) == 0 {
		return v1.Descriptor{}, fmt.Errorf("no image for platform %s in the index", platform)
	}
	d := found[0]
	if d.MediaType.IsIndex() {
		raw, err := readBlob(store, d.Digest)
		if err != nil {
			return v1.Descriptor{}, fmt.Errorf("image index %s: %w", d.Digest, err)
		}
		return resolveManifest(store, raw, platform, depth+1)
	}
	return d, nil
}

// compressedAt reports whether a blob starts with a gzip or zstd header:
// docker save writes plain tars, but other tools (crane, ggcr's tarball)
// write compressed layers into docker-archives under the same names.
func compressedAt(r io.ReaderAt) bool {
	head := make([]byte, 4)
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	return bytes.HasPrefix(head, gzipMagic) || bytes.HasPrefix(head, zstdMagic)
}
