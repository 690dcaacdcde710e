package image

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// TaggedDigest is one tag of a repository and the manifest it points at.
type TaggedDigest struct {
	Repository, Tag, Digest string
}

// ListRegistry lists every repository of the registry at host (its
// /v2/_catalog), each tag of each (its tag list), and the digest each tag
// points at, with the same credentials and plain-HTTP rules as Open.
// limit bounds the repositories read (0: no bound).
func ListRegistry(ctx context.Context, host string, opts Options, limit int) ([]TaggedDigest, error) {
	var nameOpts []name.Option
	if insecureRegistry(host+"/x", opts.InsecureRegistries) {
		nameOpts = append(nameOpts, name.Insecure)
	}
	reg, err := name.NewRegistry(host, nameOpts...)
	if err != nil {
		return nil, fmt.Errorf("registry %s: %w", host, err)
	}
	ropts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(keychain(opts)), remote.WithUserAgent("bulwark")}
	repos, err := remote.Catalog(ctx, reg, ropts...)
	if err != nil {
		return nil, fmt.Errorf("registry %s: catalog: %w", host, err)
	}
	if limit > 0 && len(repos) > limit {
		repos = repos[:limit]
	}
	var out []TaggedDigest
	for _, r := range repos {
		repo, err := name.NewRepository(host+"/"+r, nameOpts...)
		if err != nil {
			return nil, fmt.Errorf("registry %s: repository %q: %w", host, r, err)
		}
		tags, err := remote.List(repo, ropts...)
		if err != nil {
			return nil, fmt.Errorf("registry %s: tags of %s: %w", host, r, err)
		}
		for _, t := range tags {
			desc, err := remote.Head(repo.Tag(t), ropts...)
			if err != nil {
				return nil, fmt.Errorf("registry %s: %s:%s: %w", host, r, t, err)
			}
			out = append(out, TaggedDigest{Repository: r, Tag: t, Digest: desc.Digest.String()})
		}
	}
	return out, nil
}
