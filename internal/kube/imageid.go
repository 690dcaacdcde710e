package kube

import (
	"errors"
	"fmt"
	"strings"

	"github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
)

// ImageRef is the image a container runs, by digest, as its pod's status
// reports it (containerStatuses[].imageID).
type ImageRef struct {
	// Repo is the normalized repository ("docker.io/library/nginx"). It is
	// empty when the runtime reported only its own image ID (Docker's
	// "docker://sha256:...", or containerd for an image imported without a
	// registry digest): that digest is the image's config, which no
	// registry serves by that name.
	Repo string
	// Digest is "sha256:<64 hex>".
	Digest string
}

// String is "repo@sha256:...", or the bare digest when Repo is empty.
func (r ImageRef) String() string {
	if r.Repo == "" {
		return r.Digest
	}
	return r.Repo + "@" + r.Digest
}

// ErrNoImageID is returned for an empty imageID: the container has not
// started (its image may still be pulling).
var ErrNoImageID = errors.New("no imageID")

// runtimePrefixes are the schemes runtimes put before an imageID: dockershim
// and cri-dockerd use docker-pullable:// for a registry digest and
// docker:// for a local image ID.
var runtimePrefixes = []string{"docker-pullable://", "docker://", "containerd://", "cri-o://"}

// ParseImageID normalizes an imageID from any runtime to an ImageRef:
// docker.io short names are expanded as the runtime pulled them, a tag
// beside the digest is dropped (the digest is what ran).
func ParseImageID(imageID string) (ImageRef, error) {
	s := strings.TrimSpace(imageID)
	if s == "" {
		return ImageRef{}, ErrNoImageID
	}
	for _, p := range runtimePrefixes {
		s = strings.TrimPrefix(s, p)
	}
	if strings.HasPrefix(s, "sha256:") {
		return bareDigest(imageID, s)
	}
	named, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		return ImageRef{}, fmt.Errorf("imageID %q: %w", imageID, err)
	}
	canonical, ok := named.(reference.Canonical)
	if !ok {
		return ImageRef{}, fmt.Errorf("imageID %q has no digest", imageID)
	}
	return ImageRef{Repo: named.Name(), Digest: canonical.Digest().String()}, nil
}

// bareDigest checks an imageID that is only a digest.
func bareDigest(imageID, s string) (ImageRef, error) {
	d, err := digest.Parse(s)
	if err != nil {
		return ImageRef{}, fmt.Errorf("imageID %q: %w", imageID, err)
	}
	return ImageRef{Digest: d.String()}, nil
}
