package sbom

import (
	"context"
	"io/fs"
)

// Cataloger finds the packages of one ecosystem. The driver walks the file
// system once, offers every file to Match, and hands each cataloger the
// sorted list of files it matched.
type Cataloger interface {
	// Name identifies the cataloger in warnings and timings ("dpkg").
	Name() string
	// Match says whether the cataloger reads the file at name (canonical,
	// slash-separated, no leading "/") with the given mode. It must be cheap:
	// it runs for every file in the image.
	Match(name string, mode fs.FileMode) bool
	// Catalog reads the matched files and returns the packages found. Only
	// Location.Path needs setting; the driver fills in layers, IDs and
	// ownership. Problems with single files are returned joined
	// (errors.Join) with packages from the rest: they become warnings.
	Catalog(ctx context.Context, in Input) ([]Package, error)
}

// Sniffer is implemented by catalogers whose matched files are worth
// reading only when their content holds one of the markers (Go build info
// in an executable). Squashing an image keeps only files that do.
type Sniffer interface {
	Markers() [][]byte
}

// Input is what a Cataloger reads.
type Input struct {
	// FS is the image's squashed file system (or a directory).
	FS fs.FS
	// Paths are the files Match chose, sorted.
	Paths []string
	// Distro is the operating system found in the image, if any.
	Distro Distro
}

// Distro is the operating system release an image is built on, from
// os-release.
type Distro struct {
	ID         string   `json:"id"`
	VersionID  string   `json:"versionID,omitempty"`
	Codename   string   `json:"codename,omitempty"`
	PrettyName string   `json:"prettyName,omitempty"`
	IDLike     []string `json:"idLike,omitempty"`
}
