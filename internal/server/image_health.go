package server

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/distribution/reference"

	"github.com/bulwarksec/bulwark/internal/store"
)

// imageHealthJSON answers GET /api/v1/image-health: what the admission
// webhook and `bulwark policy test` need to gate an image.
type imageHealthJSON struct {
	Ref       string     `json:"ref"`
	Found     bool       `json:"found"`
	Scanned   bool       `json:"scanned"`
	Healthy   bool       `json:"healthy"`
	Digest    string     `json:"digest"`
	ScannedAt *time.Time `json:"scannedAt"`
	Counts    countsJSON `json:"counts"`
}

// handleImageHealth looks an image up by the reference a pod spec writes
// ("nginx", "host:5000/shop/api:1.4", "...@sha256:..."). An image the
// server does not know is found false (200): whether that admits it is
// the policy's call (k8s.imageNotScanned), not the API's.
func (s *Server) handleImageHealth(w http.ResponseWriter, r *http.Request) {
	ref, err := parseImageRef(r.URL.Query().Get("ref"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	img, err := s.store.ImageByReference(r.Context(), ref.hosts, ref.repository, ref.digest, ref.tag)
	if errors.Is(err, store.ErrNotFound) {
		writeJSON(w, http.StatusOK, imageHealthJSON{Ref: ref.name})
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, imageHealthJSON{Ref: ref.name, Found: true, Scanned: img.Scanned, Healthy: img.Scanned && img.Healthy,
		Digest: img.Digest, ScannedAt: optTime(img.ScannedAt), Counts: toCounts(img.Counts)})
}

// imageRef is a pod spec's image reference, normalized as the container
// runtime reads it.
type imageRef struct {
	name       string   // "docker.io/library/nginx:latest"
	hosts      []string // the registry hosts it may be stored under
	repository string
	digest     string // set when the reference has one; tag is then ignored
	tag        string
}

func parseImageRef(s string) (imageRef, error) {
	if s == "" {
		return imageRef{}, errors.New("ref is required: an image reference as a pod spec writes it")
	}
	named, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		if len(s) > 300 {
			s = s[:300] + "..."
		}
		return imageRef{}, fmt.Errorf("bad ref %q: %v", s, err)
	}
	named = reference.TagNameOnly(named)
	ref := imageRef{name: named.String(), hosts: registryHosts(reference.Domain(named)), repository: reference.Path(named)}
	if c, ok := named.(reference.Canonical); ok {
		ref.digest = c.Digest().String()
	} else if t, ok := named.(reference.Tagged); ok {
		ref.tag = t.Tag()
	}
	return ref, nil
}

// registryHosts are the hosts a registry of domain may be connected as:
// references normalize Docker Hub to docker.io, while its API is
// registry-1.docker.io (and index.docker.io in older configurations).
func registryHosts(domain string) []string {
	if domain == "docker.io" {
		return []string{"docker.io", "index.docker.io", "registry-1.docker.io"}
	}
	return []string{domain}
}
