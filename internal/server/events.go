package server

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bulwarksec/bulwark/internal/store"
)

// scannerUserAgent starts the User-Agent of Bulwark's registry requests
// (go-containerregistry appends its own), so that its pulls are not
// counted as uses.
const scannerUserAgent = "bulwark"

// maxEventBody bounds one notification request.
const maxEventBody = 4 << 20

// manifestTypes are the media types of image manifests and indexes; blob
// events are not about images.
var manifestTypes = map[string]bool{
	"application/vnd.docker.distribution.manifest.v2+json":      true,
	"application/vnd.docker.distribution.manifest.list.v2+json": true,
	"application/vnd.oci.image.manifest.v1+json":                true,
	"application/vnd.oci.image.index.v1+json":                   true,
	"application/vnd.docker.distribution.manifest.v1+prettyjws": true,
}

// distributionEnvelope is what the CNCF distribution registry POSTs.
type distributionEnvelope struct {
	Events []struct {
		ID        string    `json:"id"`
		Timestamp time.Time `json:"timestamp"`
		Action    string    `json:"action"`
		Target    struct {
			MediaType  string `json:"mediaType"`
			Digest     string `json:"digest"`
			Repository string `json:"repository"`
			URL        string `json:"url"`
			Tag        string `json:"tag"`
		} `json:"target"`
		Request struct {
			Host      string `json:"host"`
			UserAgent string `json:"useragent"`
		} `json:"request"`
	} `json:"events"`
}

// harborEvent is Harbor's webhook payload (policy type "http").
type harborEvent struct {
	Type      string `json:"type"`
	OccurAt   int64  `json:"occur_at"`
	EventData struct {
		Resources []struct {
			Digest      string `json:"digest"`
			Tag         string `json:"tag"`
			ResourceURL string `json:"resource_url"`
		} `json:"resources"`
		Repository struct {
			RepoFullName string `json:"repo_full_name"`
		} `json:"repository"`
	} `json:"event_data"`
}

// handleDistributionEvents receives a distribution registry's
// notifications and answers only once they are stored (the registry
// retries until then).
func (s *Server) handleDistributionEvents(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEventBody))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "notification body too large or unreadable")
		return
	}
	var env distributionEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		writeError(w, http.StatusBadRequest, "not a registry notification envelope: "+err.Error())
		return
	}
	var evs []store.Event
	for i, e := range env.Events {
		if !manifestTypes[e.Target.MediaType] || e.Target.Digest == "" || e.Target.Repository == "" {
			continue // blob and other events
		}
		switch e.Action {
		case "push", "pull", "delete":
		default:
			continue
		}
		if e.Action == "pull" && strings.HasPrefix(e.Request.UserAgent, scannerUserAgent) {
			continue // Bulwark's own scan is not a use of the image
		}
		host := e.Request.Host
		if u, err := url.Parse(e.Target.URL); err == nil && u.Host != "" {
			host = u.Host
		}
		reg, err := s.registryFor(r, host)
		if err != nil {
			writeRegistryError(w, err, host)
			return
		}
		id := e.ID
		if id == "" {
			id = fmt.Sprintf("%s-%d", e.Target.Digest, i)
		}
		at := e.Timestamp
		if at.IsZero() {
			at = time.Now()
		}
		evs = append(evs, store.Event{EventID: id, Source: "distribution", Action: e.Action, RegistryID: reg.ID,
			Repository: e.Target.Repository, Digest: e.Target.Digest, Tag: e.Target.Tag, At: at.UTC()})
	}
	s.saveEvents(w, r, evs)
}

// handleHarborEvents receives Harbor's webhook notifications.
func (s *Server) handleHarborEvents(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEventBody))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "notification body too large or unreadable")
		return
	}
	var ev harborEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		writeError(w, http.StatusBadRequest, "not a Harbor webhook payload: "+err.Error())
		return
	}
	action := map[string]string{"PUSH_ARTIFACT": "push", "PULL_ARTIFACT": "pull", "DELETE_ARTIFACT": "delete"}[ev.Type]
	if action == "" {
		w.WriteHeader(http.StatusNoContent) // other Harbor events (quota, scans...) are not ours
		return
	}
	at := time.Unix(ev.OccurAt, 0).UTC()
	var evs []store.Event
	for _, res := range ev.EventData.Resources {
		if res.Digest == "" {
			continue
		}
		host, _, _ := strings.Cut(res.ResourceURL, "/")
		reg, err := s.registryFor(r, host)
		if err != nil {
			writeRegistryError(w, err, host)
			return
		}
		h := sha256.Sum256([]byte(ev.Type + "|" + res.Digest + "|" + res.Tag + "|" + strconv.FormatInt(ev.OccurAt, 10)))
		evs = append(evs, store.Event{EventID: "harbor-" + hex.EncodeToString(h[:12]), Source: "harbor", Action: action,
			RegistryID: reg.ID, Repository: ev.EventData.Repository.RepoFullName, Digest: res.Digest, Tag: res.Tag, At: at})
	}
	s.saveEvents(w, r, evs)
}

// registryFor finds the connected registry the events are about: the one
// named by ?registry=ID, else the one with the events' host.
func (s *Server) registryFor(r *http.Request, host string) (*store.Registry, error) {
	if id := r.URL.Query().Get("registry"); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return nil, store.ErrNotFound
		}
		return s.store.Registry(r.Context(), n)
	}
	return s.store.RegistryByHost(r.Context(), host)
}

func writeRegistryError(w http.ResponseWriter, err error, host string) {
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("registry %q is not connected to Bulwark: connect it first (POST /api/v1/registries)", host))
		return
	}
	writeError(w, http.StatusInternalServerError, "cannot look up the registry")
}

// saveEvents persists events (and the scans they call for) before the
// registry gets its 200.
func (s *Server) saveEvents(w http.ResponseWriter, r *http.Request, evs []store.Event) {
	if len(evs) == 0 {
		writeJSON(w, http.StatusOK, map[string]any{"accepted": 0, "queued": 0})
		return
	}
	jobs, err := s.store.SaveEvents(r.Context(), evs)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	s.metrics.events.Add(float64(len(evs)))
	s.wake()
	writeJSON(w, http.StatusOK, map[string]any{"accepted": len(evs), "queued": len(jobs)})
}
