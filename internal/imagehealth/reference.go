package imagehealth

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"

	"github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
)

// normalize returns the key a reference is cached under, spelled as the
// container runtime reads it: name@digest when it has a digest (a tag
// beside it says nothing more), else name:tag, "latest" for a bare name
// ("nginx" is docker.io/library/nginx:latest); and its digest, "" if none.
func normalize(ref string) (key, dgst string, err error) {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return "", "", fmt.Errorf("image reference %q: %w", ref, err)
	}
	if c, ok := named.(reference.Canonical); ok {
		return reference.TrimNamed(named).String() + "@" + c.Digest().String(), c.Digest().String(), nil
	}
	return reference.TagNameOnly(named).String(), "", nil
}

// refPath is the verdict file of a normalized reference. The name is a
// hash: a reference holds "/" and ":", which a file name cannot.
func refPath(dir, key string) string {
	h := sha256.Sum256([]byte(key))
	return filepath.Join(dir, "refs", hex.EncodeToString(h[:])+".json")
}

// digestPath is the verdict file of an image digest, which is checked
// first so that no digest names a path outside dir.
func digestPath(dir, d string) (string, error) {
	dg, err := digest.Parse(d)
	if err != nil {
		return "", fmt.Errorf("image digest %q: %w", d, err)
	}
	return filepath.Join(dir, "digests", dg.Algorithm().String()+"-"+dg.Encoded()+".json"), nil
}
