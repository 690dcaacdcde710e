package image

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/cache"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// openRegistry resolves ref against its registry, with the credentials
// opts allow.
func openRegistry(ctx context.Context, ref string, opts Options) (*Image, error) {
	r, err := parseRef(ref, opts)
	if err != nil {
		return nil, err
	}
	rimg, err := remote.Image(r, append(remoteOptions(ctx, opts), remote.WithPlatform(*opts.platform()))...)
	if err != nil {
		return nil, err
	}
	if opts.CacheDir != "" {
		rimg = cache.Image(rimg, cache.NewFilesystemCache(opts.CacheDir))
	}
	// Registry blobs are checked against their digests by go-containerregistry
	// as they end; blobs read back from the cache are not.
	return imageFromV1(rimg, r, opts.CacheDir == "")
}

// parseRef reads an image reference, over plain HTTP where allowed.
func parseRef(ref string, opts Options) (name.Reference, error) {
	var nameOpts []name.Option
	if insecureRegistry(ref, opts.InsecureRegistries) {
		nameOpts = append(nameOpts, name.Insecure)
	}
	r, err := name.ParseReference(ref, nameOpts...)
	if err != nil {
		return nil, fmt.Errorf("bad image reference: %w", err)
	}
	return r, nil
}

// insecureRegistry says whether ref's registry may use plain HTTP: it is
// on loopback or was named with --insecure-registry.
func insecureRegistry(ref string, allowed []string) bool {
	host := ref
	if i := strings.IndexByte(ref, '/'); i >= 0 {
		host = ref[:i]
	} else {
		return false
	}
	for _, a := range allowed {
		if a == host {
			return true
		}
	}
	return LoopbackHost(host)
}

// LoopbackHost reports whether host (with or without a port) is on this
// machine's loopback, where plain HTTP is allowed.
func LoopbackHost(host string) bool {
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// imageFromV1 adapts a go-containerregistry image.
func imageFromV1(rimg v1.Image, r name.Reference, blobVerified bool) (*Image, error) {
	cfgRaw, err := rimg.RawConfigFile()
	if err != nil {
		return nil, fmt.Errorf("image config: %w", err)
	}
	layers, err := rimg.Layers()
	if err != nil {
		return nil, fmt.Errorf("layers: %w", err)
	}
	img, err := imageFromConfig(cfgRaw, len(layers))
	if err != nil {
		return nil, err
	}
	if d, err := rimg.Digest(); err == nil {
		img.Digest = d.String()
	}
	if t, ok := r.(name.Tag); ok {
		img.Tags = []string{t.Name()}
	}
	for i, l := range layers {
		img.Layers[i].Size = -1
		img.Layers[i].BlobVerified = blobVerified
		if d, err := l.Digest(); err == nil {
			img.Layers[i].Digest = d.String()
		}
		if s, err := l.Size(); err == nil {
			img.Layers[i].Size = s
		}
		if mt, err := l.MediaType(); err == nil {
			img.Layers[i].MediaType = string(mt)
		}
		l := l
		img.Layers[i].Open = func(context.Context) (io.ReadCloser, error) { return l.Compressed() }
	}
	return img, nil
}

// keychain is the caller's credentials first, then, when opts allow it,
// the Docker config's; else anonymous.
func keychain(opts Options) authn.Keychain {
	var keys []authn.Keychain
	if opts.Credentials != nil {
		keys = append(keys, credentialKeychain(opts.Credentials))
	}
	if opts.DockerConfig {
		keys = append(keys, authn.DefaultKeychain)
	}
	return authn.NewMultiKeychain(keys...)
}

// credentialKeychain adapts a credential lookup to go-containerregistry.
type credentialKeychain func(host string) (string, string, bool)

func (c credentialKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	user, secret, ok := c(r.RegistryStr())
	if !ok || (user == "" && secret == "") {
		return authn.Anonymous, nil
	}
	if user == "" {
		return &authn.Bearer{Token: secret}, nil
	}
	return &authn.Basic{Username: user, Password: secret}, nil
}
