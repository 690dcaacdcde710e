package image

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// testLayers are two real layer tars; the second ends with extra zero
// blocks past its end-of-archive marker, as some tools write.
func testLayers(t testing.TB) [][]byte {
	base := tarBytes(t, dir("etc/"), file("etc/os-release", "ID=debian\n"), file("etc/a", strings.Repeat("a", 5000)))
	upper := tarBytes(t, file("etc/b", "b"), file("usr/bin/tool", strings.Repeat("t", 3000)))
	upper = append(upper, make([]byte, 10*512)...)
	return [][]byte{base, upper}
}

// otherLayer is what a tampered image serves in place of a layer.
func otherLayer(t testing.TB) []byte { return tarBytes(t, file("etc/b", "evil")) }

// v1Image builds an image of layers, each stored gzip-compressed or as is.
func v1Image(t testing.TB, layers [][]byte, compressed bool) v1.Image {
	t.Helper()
	img := empty.Image
	for _, b := range layers {
		l := static.NewLayer(b, types.DockerUncompressedLayer)
		if compressed {
			var err error
			l, err = tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
			if err != nil {
				t.Fatal(err)
			}
		}
		var err error
		if img, err = mutate.Append(img, mutate.Addendum{Layer: l, History: v1.History{CreatedBy: "test"}}); err != nil {
			t.Fatal(err)
		}
	}
	return img
}

// lyingConfig returns img with a config whose diff ID of layer i is that of
// other bytes: the manifest and the layers stay consistent.
func lyingConfig(t testing.TB, img v1.Image, i int, other []byte) v1.Image {
	t.Helper()
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg = cfg.DeepCopy()
	if cfg.RootFS.DiffIDs[i], err = v1.NewHash(sha(other)); err != nil {
		t.Fatal(err)
	}
	out, err := mutate.ConfigFile(img, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeDockerArchive(t testing.TB, img v1.Image) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "image.tar")
	if err := tarball.WriteToFile(p, name.MustParseReference("test/image:1"), img); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeOCIDir(t testing.TB, img v1.Image) string {
	t.Helper()
	d := filepath.Join(t.TempDir(), "layout")
	lp, err := layout.Write(d, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	return d
}

// tarDir writes the files under dir into a tar archive.
func tarDir(t testing.TB, dir string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "layout.tar")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	if err := tw.AddFS(os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// replaceInTar rewrites the tar at p, giving each entry whose name holds
// key the new content.
func replaceInTar(t testing.TB, p, key string, content []byte) {
	t.Helper()
	in, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	tr, tw := tar.NewReader(bytes.NewReader(in)), tar.NewWriter(&out)
	found := false
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		if strings.Contains(h.Name, key) {
			body, found = content, true
			h.Size = int64(len(body))
		}
		tw.WriteHeader(h)
		tw.Write(body)
	}
	tw.Close()
	if !found {
		t.Fatalf("no entry named like %s in %s", key, p)
	}
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func layerAt(t testing.TB, img v1.Image, i int) v1.Layer {
	t.Helper()
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	return ls[i]
}

// layerFile is the name a stored layer has in archives and layouts.
func layerFile(t testing.TB, img v1.Image, i int) string {
	t.Helper()
	d, err := layerAt(t, img, i).Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.Hex
}

// squashTarget opens and squashes a target as a scan does.
func squashTarget(t *testing.T, target string, skip bool) error {
	t.Helper()
	tg, err := ParseTarget(target)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	img, err := Open(ctx, tg, Options{SkipVerify: skip})
	if err != nil {
		return err
	}
	defer img.Close()
	fsys, err := Squash(ctx, img, SquashOptions{Select: keepAll, TempDir: t.TempDir()})
	if err != nil {
		return err
	}
	if got := readAll(t, fsys, "etc/os-release"); got != "ID=debian\n" {
		t.Errorf("etc/os-release = %q", got)
	}
	return fsys.Close()
}

// regzip changes the modification time in a gzip header: the same layer,
// the same length, another digest.
func regzip(b []byte) []byte {
	out := bytes.Clone(b)
	out[4] ^= 0xff
	return out
}

// servedRegistry pushes img to an in-memory registry whose blob named
// swap is served as the bytes with instead, and returns the target.
func servedRegistry(t *testing.T, img v1.Image, swap string, with []byte) string {
	t.Helper()
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if swap != "" && r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/blobs/"+swap) {
			w.Header().Set("Content-Length", strconv.Itoa(len(with)))
			w.Write(with)
			return
		}
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	ref := strings.TrimPrefix(srv.URL, "http://") + "/test/image:1"
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
	return "registry:" + ref
}

func TestVerifyLayers(t *testing.T) {
	L, other := testLayers(t), otherLayer(t)
	plain, zipped := v1Image(t, L, false), v1Image(t, L, true)
	gzLayer1 := mustRead(t, zipped, 1)
	regz := regzip(gzLayer1)
	trailing := bytes.Clone(L[1])
	trailing[len(trailing)-1] = 'x' // past the end-of-archive blocks
	contentErr := func(i int, claimed, got string) string {
		return "layer " + strconv.Itoa(i) + " (" + claimed + "): content hashes to " + got + ", config says " + claimed
	}
	blobErr := func(i int, layer, claimed, got string) string {
		return "layer " + strconv.Itoa(i) + " (" + layer + "): blob hashes to " + got + ", manifest says " + claimed
	}
	tests := []struct {
		name   string
		target func(t *testing.T) string
		want   string // "" for a valid image
		// always: the check is go-containerregistry's, which --skip-verify
		// does not turn off.
		always bool
	}{
		{"docker-archive plain", func(t *testing.T) string { return "docker-archive:" + writeDockerArchive(t, plain) }, "", false},
		{"docker-archive gzip", func(t *testing.T) string { return "docker-archive:" + writeDockerArchive(t, zipped) }, "", false},
		{"oci-dir", func(t *testing.T) string { return "oci-dir:" + writeOCIDir(t, zipped) }, "", false},
		{"oci-archive", func(t *testing.T) string { return "oci-archive:" + tarDir(t, writeOCIDir(t, zipped)) }, "", false},
		{"registry", func(t *testing.T) string { return servedRegistry(t, zipped, "", nil) }, "", false},
		{"docker-archive plain, layer swapped", func(t *testing.T) string {
			p := writeDockerArchive(t, plain)
			replaceInTar(t, p, layerFile(t, plain, 1), other)
			return "docker-archive:" + p
		}, contentErr(1, sha(L[1]), sha(other)), false},
		{"docker-archive plain, bytes past the tar's end changed", func(t *testing.T) string {
			p := writeDockerArchive(t, plain)
			replaceInTar(t, p, layerFile(t, plain, 1), trailing)
			return "docker-archive:" + p
		}, contentErr(1, sha(L[1]), sha(trailing)), false},
		{"docker-archive gzip, layer swapped", func(t *testing.T) string {
			p := writeDockerArchive(t, zipped)
			replaceInTar(t, p, layerFile(t, zipped, 1), gz(t, other))
			return "docker-archive:" + p
		}, contentErr(1, sha(L[1]), sha(other)), false},
		{"docker-archive, config lies", func(t *testing.T) string {
			return "docker-archive:" + writeDockerArchive(t, lyingConfig(t, plain, 0, other))
		}, contentErr(0, sha(other), sha(L[0])), false},
		{"oci-dir, blob recompressed", func(t *testing.T) string {
			d := writeOCIDir(t, zipped)
			writeFile(t, filepath.Join(d, "blobs/sha256", layerFile(t, zipped, 1)), regz)
			return "oci-dir:" + d
		}, blobErr(1, sha(L[1]), sha(gzLayer1), sha(regz)), false},
		{"oci-dir plain, blob swapped", func(t *testing.T) string {
			d := writeOCIDir(t, plain)
			writeFile(t, filepath.Join(d, "blobs/sha256", layerFile(t, plain, 1)), other)
			return "oci-dir:" + d
		}, contentErr(1, sha(L[1]), sha(other)), false},
		{"oci-dir, config lies", func(t *testing.T) string {
			return "oci-dir:" + writeOCIDir(t, lyingConfig(t, zipped, 1, other))
		}, contentErr(1, sha(other), sha(L[1])), false},
		{"oci-archive, blob recompressed", func(t *testing.T) string {
			p := tarDir(t, writeOCIDir(t, zipped))
			replaceInTar(t, p, layerFile(t, zipped, 1), regz)
			return "oci-archive:" + p
		}, blobErr(1, sha(L[1]), sha(gzLayer1), sha(regz)), false},
		{"registry, config lies", func(t *testing.T) string {
			return servedRegistry(t, lyingConfig(t, zipped, 0, other), "", nil)
		}, contentErr(0, sha(other), sha(L[0])), false},
		{"registry plain, config lies", func(t *testing.T) string {
			return servedRegistry(t, lyingConfig(t, plain, 1, other), "", nil)
		}, contentErr(1, sha(other), sha(L[1])), false},
		{"registry, blob recompressed in transit", func(t *testing.T) string {
			return servedRegistry(t, zipped, sha(gzLayer1), regz)
		}, "layer 1 (" + sha(L[1]) + "): ", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := tt.target(t)
			err := squashTarget(t, target, false)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("valid image: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("err = %v\nwant one holding %q", err, tt.want)
			}
			if tt.always {
				for _, d := range []string{sha(gzLayer1), sha(regz)} {
					if !strings.Contains(err.Error(), d) {
						t.Errorf("err = %v, want it to name %s", err, d)
					}
				}
				return
			}
			if err := squashTarget(t, target, true); err != nil {
				t.Errorf("with SkipVerify: %v", err)
			}
		})
	}
}

func mustRead(t testing.TB, img v1.Image, i int) []byte {
	t.Helper()
	rc, err := layerAt(t, img, i).Compressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t testing.TB, p string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDigestCheckAcrossChunks(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), (3*digestChunk+1234)/16)
	tests := []struct {
		name, claim string
		wantErr     bool
	}{
		{"matches", sha(data), false},
		{"differs", sha(data[1:]), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := newDigestCheck(claimSpec{tt.claim, "content", "config"})
			if err != nil {
				t.Fatal(err)
			}
			for rest := data; len(rest) > 0; {
				k := min(len(rest), 7919)
				c.Write(rest[:k])
				rest = rest[k:]
			}
			err = c.verify()
			var de *DigestError
			if tt.wantErr != errors.As(err, &de) {
				t.Fatalf("err = %v, want a DigestError: %v", err, tt.wantErr)
			}
			if tt.wantErr && (de.Got != sha(data) || de.Want != tt.claim) {
				t.Errorf("got %s want %s, expected %s and %s", de.Got, de.Want, sha(data), tt.claim)
			}
		})
	}
}

// BenchmarkLayerRead measures the squash of one 64 MiB layer, stored as a
// plain tar read in place (docker-archive) and as a gzip stream, with and
// without checking its digests.
func BenchmarkLayerRead(b *testing.B) {
	var entries []entry
	for i := range 2048 {
		entries = append(entries, file("usr/share/f"+strconv.Itoa(i), strings.Repeat(strconv.Itoa(i), 32<<10)[:32<<10]))
	}
	raw := tarBytes(b, entries...)
	zipped := gz(b, raw)
	for _, tt := range []struct {
		name  string
		layer Layer
	}{
		{"plain", Layer{DiffID: sha(raw), Digest: sha(raw), Seekable: func() (io.ReaderAt, int64, bool) {
			return bytes.NewReader(raw), int64(len(raw)), true
		}}},
		{"gzip", Layer{DiffID: sha(raw), Digest: sha(zipped), Open: func(context.Context) (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(zipped)), nil
		}}},
	} {
		for _, skip := range []bool{true, false} {
			b.Run(tt.name+"/verify="+strconv.FormatBool(!skip), func(b *testing.B) {
				img := &Image{Layers: []Layer{tt.layer}, SkipVerify: skip}
				b.SetBytes(int64(len(raw)))
				for b.Loop() {
					fsys, err := Squash(context.Background(), img, SquashOptions{TempDir: b.TempDir()})
					if err != nil {
						b.Fatal(err)
					}
					fsys.Close()
				}
			})
		}
	}
}

// TestVerifyMetadataBlobs: an OCI layout whose configuration or manifest
// blob does not hash to the digest naming it is refused, with both
// digests, whatever --skip-verify says of layers.
func TestVerifyMetadataBlobs(t *testing.T) {
	img := v1Image(t, testLayers(t), true)
	cfg, err := img.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	man, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	for _, blob := range []v1.Hash{cfg, man} {
		dir := writeOCIDir(t, img)
		p := filepath.Join(dir, "blobs", blob.Algorithm, blob.Hex)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, p, append(b, ' ')) // still valid JSON, another digest
		for _, skip := range []bool{false, true} {
			err := squashTarget(t, "oci-dir:"+dir, skip)
			if err == nil || !strings.Contains(err.Error(), blob.String()) || !strings.Contains(err.Error(), "hashes to sha256:") {
				t.Errorf("layout with a changed blob %s (skip-verify %v): %v, want both digests named", blob, skip, err)
			}
		}
	}
}
