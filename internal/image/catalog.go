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

// pager is go-containerregistry's Catalogger and Lister: pages of names.
type pager[P any] interface {
	HasNext() bool
	Next(context.Context) (P, error)
}

// readPages opens a listing and reads its pages, each within
// requestTimeout, failing once it holds more than max names (what names
// them in the error).
func readPages[P any](ctx context.Context, open func(context.Context) (pager[P], error), names func(P) []string, max int, what string) ([]string, error) {
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	pg, err := open(rctx)
	cancel()
	if err != nil {
		return nil, err
	}
	var out []string
	for pg.HasNext() {
		rctx, cancel := context.WithTimeout(ctx, requestTimeout)
		page, err := pg.Next(rctx)
		cancel()
		if err != nil {
			return nil, err
		}
		if out = append(out, names(page)...); len(out) > max {
			return nil, fmt.Errorf("%w of %d %s", ErrCatalogTooLarge, max, what)
		}
	}
	return out, nil
}

// listCatalog reads a registry's catalog, at most max repositories.
func listCatalog(ctx context.Context, p *remote.Puller, reg name.Registry, max int) ([]string, error) {
	open := func(ctx context.Context) (pager[*remote.Catalogs], error) { return p.Catalogger(ctx, reg) }
	return readPages(ctx, open, func(c *remote.Catalogs) []string { return c.Repos }, max, "repositories")
}

// listTags reads a repository's tags, at most max.
func listTags(ctx context.Context, p *remote.Puller, repo name.Repository, max int) ([]string, error) {
	open := func(ctx context.Context) (pager[*remote.Tags], error) { return p.Lister(ctx, repo) }
	return readPages(ctx, open, func(t *remote.Tags) []string { return t.Tags }, max, "tags")
}

// ManifestGone reports whether the registry says ref's manifest does not
// exist (404, or MANIFEST_UNKNOWN): how a delete notification is
// confirmed before an image leaves the views.
func ManifestGone(ctx context.Context, ref string, opts Options) (bool, error) {
	r, err := parseRef(ref, opts)
	if err != nil {
		return false, err
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
