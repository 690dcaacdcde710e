package image

import (
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// Scheme names where an image comes from.
type Scheme string

// The schemes a target may carry as a prefix, with the names syft and grype
// users know.
const (
	SchemeRegistry      Scheme = "registry"
	SchemeDockerArchive Scheme = "docker-archive"
	SchemeOCIArchive    Scheme = "oci-archive"
	SchemeOCIDir        Scheme = "oci-dir"
	SchemeDir           Scheme = "dir"
	SchemeDocker        Scheme = "docker"
	SchemeSBOM          Scheme = "sbom"
)

var schemes = []Scheme{SchemeRegistry, SchemeDockerArchive, SchemeOCIArchive, SchemeOCIDir, SchemeDir, SchemeDocker, SchemeSBOM}

// Target is a parsed image reference: a scheme and what follows it.
type Target struct {
	Scheme Scheme
	Ref    string
}

// String returns the target in its prefixed form.
func (t Target) String() string { return string(t.Scheme) + ":" + t.Ref }

// ParseTarget reads "scheme:ref". A reference with no known scheme is a
// registry reference ("alpine:3.20", "host:5000/repo@sha256:...").
func ParseTarget(s string) (Target, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Target{}, fmt.Errorf("empty target: name an image, for example registry:alpine:3.20 or dir:/path")
	}
	t := Target{Scheme: SchemeRegistry, Ref: s}
	for _, sc := range schemes {
		if rest, ok := strings.CutPrefix(s, string(sc)+":"); ok {
			if rest == "" {
				return Target{}, fmt.Errorf("target %q: nothing after %q", s, sc+":")
			}
			t = Target{Scheme: sc, Ref: rest}
			break
		}
	}
	if t.Scheme != SchemeRegistry {
		return t, nil
	}
	if strings.Contains(t.Ref, "://") {
		return Target{}, fmt.Errorf("target %q: URLs are not image references; drop the scheme (host/repo:tag)", s)
	}
	if _, err := name.ParseReference(t.Ref); err != nil {
		return Target{}, fmt.Errorf("target %q: not an image reference: %w", s, err)
	}
	return t, nil
}
