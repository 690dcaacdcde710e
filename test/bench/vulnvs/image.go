package main

import (
	"archive/tar"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// buildImage writes the benchmark image as a docker-archive.
func buildImage(out, cache, alpine string) error {
	base, err := tarball.LayerFromFile(alpine)
	if err != nil {
		return err
	}
	goBins, _ := filepath.Glob(filepath.Join(cache, "govuln-*", "app"))
	npmTrees, _ := filepath.Glob(filepath.Join(cache, "npm-tree-*"))
	if len(goBins) == 0 || len(npmTrees) == 0 {
		return fmt.Errorf("fixtures missing in %s: run `go test ./test/e2e ./internal/sbom` first", cache)
	}
	appTar := out + ".app"
	defer os.Remove(appTar)
	if err := writeAppLayer(appTar, goBins[0], npmTrees[0]); err != nil {
		return err
	}
	app, err := tarball.LayerFromFile(appTar)
	if err != nil {
		return err
	}
	img, err := mutate.AppendLayers(empty.Image, base, app)
	if err != nil {
		return err
	}
	ref, _ := name.NewTag("bulwark/vulnvs:latest")
	return tarball.WriteToFile(out, ref, img)
}

func writeAppLayer(out, goBin, npmTree string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	add := func(name string, mode int64, body []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: int64(len(body)), ModTime: time.Unix(0, 0)}); err != nil {
			return err
		}
		_, err := tw.Write(body)
		return err
	}
	bin, err := os.ReadFile(goBin)
	if err != nil {
		return err
	}
	if err := add("app/bin/server", 0o755, bin); err != nil {
		return err
	}
	if err := add("app/py/requirements.txt", 0o644, []byte("django==2.2.0\nrequests==2.19.0\nurllib3==1.24.1\njinja2==2.10\nPyYAML==5.1\nFlask==0.12\npillow==6.2.0\ncryptography==2.3\n")); err != nil {
		return err
	}
	if err := add("app/rust/Cargo.lock", 0o644, []byte(cargoLock)); err != nil {
		return err
	}
	err = filepath.WalkDir(npmTree, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(npmTree, p)
		r, err := os.Open(p)
		if err != nil {
			return err
		}
		defer r.Close()
		info, _ := d.Info()
		if err := tw.WriteHeader(&tar.Header{Name: "app/node/" + filepath.ToSlash(rel), Mode: 0o644, Size: info.Size(), ModTime: time.Unix(0, 0)}); err != nil {
			return err
		}
		_, err = io.Copy(tw, r)
		return err
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

const cargoLock = `version = 3

[[package]]
name = "chrono"
version = "0.4.19"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "hyper"
version = "0.14.10"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "smallvec"
version = "0.6.9"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "tokio"
version = "1.8.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
`
