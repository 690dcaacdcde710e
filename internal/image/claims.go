package image

import (
	"encoding/hex"
	"fmt"
	"hash"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// claimSpec is a digest as the image states it, before parsing.
type claimSpec struct{ digest, what, source string }

// claim is one digest the image gives for a stream of bytes.
type claim struct {
	want         v1.Hash
	what, source string
}

// claims are the digests one stream of bytes must hash to: a compressed
// blob's digest, a tar's diff ID, or both when the blob is the tar.
type claims []claim

// parseClaims parses the non-empty digests of specs, "sha256:HEX"; it
// returns nil when there is nothing to check.
func parseClaims(specs ...claimSpec) (claims, error) {
	var cs claims
	for _, s := range specs {
		if err := cs.add(s); err != nil {
			return nil, err
		}
	}
	return cs, nil
}

// add checks the same bytes against one more digest. Claims are only read
// when the sum is compared, so add may come after hashing has begun.
func (cs *claims) add(s claimSpec) error {
	if s.digest == "" {
		return nil
	}
	want, err := v1.NewHash(s.digest)
	if err != nil {
		return fmt.Errorf("%s says %q: %w", s.source, s.digest, err)
	}
	if len(*cs) > 0 && (*cs)[0].want.Algorithm != want.Algorithm {
		return fmt.Errorf("%s says %q: a second digest algorithm for the same bytes", s.source, s.digest)
	}
	*cs = append(*cs, claim{want: want, what: s.what, source: s.source})
	return nil
}

func (cs claims) hasher() (hash.Hash, error) {
	h, err := v1.Hasher(cs[0].want.Algorithm)
	if err != nil {
		return nil, fmt.Errorf("%s says %q: %w", cs[0].source, cs[0].want, err)
	}
	return h, nil
}

// compare returns a DigestError for the first claim sum does not meet.
func (cs claims) compare(sum []byte) error {
	got := v1.Hash{Algorithm: cs[0].want.Algorithm, Hex: hex.EncodeToString(sum)}
	for _, c := range cs {
		if got != c.want {
			return &DigestError{What: c.what, Got: got.String(), Want: c.want.String(), Source: c.source}
		}
	}
	return nil
}
