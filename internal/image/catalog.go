package image

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// TaggedDigest is one tag of a repository and the manifest it points at.
type TaggedDigest struct {
	Repository, Tag, Digest string
}

// CatalogLimits bound what one listing of a registry reads, so that a
// huge or hostile registry cannot page forever.
type CatalogLimits struct {
	Repositories int // repositories in the catalog
	Tags         int // tags of one repository
}

// DefaultCatalogLimits are the bounds ListRegistry uses for zero fields.
func DefaultCatalogLimits() CatalogLimits {
	return CatalogLimits{Repositories: 10000, Tags: 10000}
}

// ErrCatalogTooLarge is returned (wrapped) when a registry lists more
// repositories or tags than the limits allow.
var ErrCatalogTooLarge = errors.New("more than the limit")

// catalogPageSize is how many names one catalog or tag page asks for.
const catalogPageSize = 1000

// ListRegistry lists every repository of the registry at host (its
// /v2/_catalog), each tag of each (its tag list), and the digest each tag
// points at, with the same credentials and plain-HTTP rules as Open, page
// by page within lim.
func ListRegistry(ctx context.Context, host string, opts Options, lim CatalogLimits) ([]TaggedDigest, error) {
	def := DefaultCatalogLimits()
	lim.Repositories = cmp.Or(lim.Repositories, def.Repositories)
	lim.Tags = cmp.Or(lim.Tags, def.Tags)
	var nameOpts []name.Option
	if insecureRegistry(host+"/x", opts.InsecureRegistries) {
		nameOpts = append(nameOpts, name.Insecure)
	}
	reg, err := name.NewRegistry(host, nameOpts...)
	if err != nil {
		return nil, fmt.Errorf("registry %s: %w", host, err)
	}
	ropts := append(remoteOptions(ctx, opts), remote.WithPageSize(catalogPageSize))
	puller, err := remote.NewPuller(ropts...)
	if err != nil {
		return nil, fmt.Errorf("registry %s: %w", host, err)
	}
	repos, err := listCatalog(ctx, puller, reg, lim.Repositories)
	if err != nil {
		return nil, fmt.Errorf("registry %s: catalog: %w", host, err)
	}
	var out []TaggedDigest
	for _, r := range repos {
		repo, err := name.NewRepository(host+"/"+r, nameOpts...)
		if err != nil {
			return nil, fmt.Errorf("registry %s: repository %q: %w", host, r, err)
		}
		tags, err := listTags(ctx, puller, repo, lim.Tags)
		if err != nil {
			return nil, fmt.Errorf("registry %s: tags of %s: %w", host, r, err)
		}
		for _, t := range tags {
			rctx, cancel := context.WithTimeout(ctx, requestTimeout)
			desc, err := puller.Head(rctx, repo.Tag(t))
			cancel()
			if err != nil {
				return nil, fmt.Errorf("registry %s: %s:%s: %w", host, r, t, err)
			}
			out = append(out, TaggedDigest{Repository: r, Tag: t, Digest: desc.Digest.String()})
		}
	}
	return out, nil
}

// listCatalog reads the catalog's pages, each within requestTimeout, and
// fails once it holds more than max repositories.
func listCatalog(ctx context.Context, p *remote.Puller, reg name.Registry, max int) ([]string, error) {
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	c, err := p.Catalogger(rctx, reg)
	cancel()
	if err != nil {
		return nil, err
	}
	var repos []string
	for c.HasNext() {
		rctx, cancel := context.WithTimeout(ctx, requestTimeout)
		page, err := c.Next(rctx)
		cancel()
		if err != nil {
			return nil, err
		}
		repos = append(repos, page.Repos...)
		if len(repos) > max {
			return nil, fmt.Errorf("%w of %d repositories", ErrCatalogTooLarge, max)
		}
	}
	return repos, nil
}

// listTags reads a repository's tag pages like listCatalog.
func listTags(ctx context.Context, p *remote.Puller, repo name.Repository, max int) ([]string, error) {
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	l, err := p.Lister(rctx, repo)
	cancel()
	if err != nil {
		return nil, err
	}
	var tags []string
	for l.HasNext() {
		rctx, cancel := context.WithTimeout(ctx, requestTimeout)
		page, err := l.Next(rctx)
		cancel()
		if err != nil {
			return nil, err
		}
		tags = append(tags, page.Tags...)
		if len(tags) > max {
			return nil, fmt.Errorf("%w of %d tags", ErrCatalogTooLarge, max)
		}
	}
	return tags, nil
}

// ManifestGone reports whether the registry says ref's manifest does not
// exist (404, or MANIFEST_UNKNOWN): how a delete notification is
// confirmed before an image leaves the views.
func ManifestGone(ctx context.Context, ref string, opts Options) (bool, error) {
	var nameOpts []name.Option
	if insecureRegistry(ref, opts.InsecureRegistries) {
		nameOpts = append(nameOpts, name.Insecure)
	}
	r, err := name.ParseReference(ref, nameOpts...)
	if err != nil {
		return false, fmt.Errorf("bad image reference: %w", err)
	}
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	_, err = remote.Head(r, remoteOptions(rctx, opts)...)
	var te *transport.Error
	switch {
	case err == nil:
		return false, nil
	case errors.As(err, &te) && (te.StatusCode == http.StatusNotFound || hasCode(te, transport.ManifestUnknownErrorCode)):
		return true, nil
	}
	return false, err
}

func hasCode(te *transport.Error, code transport.ErrorCode) bool {
	for _, d := range te.Errors {
		if d.Code == code {
			return true
		}
	}
	return false
}
