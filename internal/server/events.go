package server

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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

// registryEvent is one notification about an image, before the registry
// it names is looked up.
type registryEvent struct {
	ID, Action, Host, Repository, Digest, Tag string
	At                                        time.Time
}

// parseDistribution reads a distribution registry's envelope and keeps
// the push, pull and delete events of manifests (not blobs), leaving out
// Bulwark's own pulls.
func parseDistribution(body []byte) ([]registryEvent, error) {
	var env distributionEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("not a registry notification envelope: %w", err)
	}
	var out []registryEvent
	for i, e := range env.Events {
		if e.Target.Repository == "" || !isImageEvent(e.Action, e.Target.MediaType, e.Target.Digest, e.Target.Tag) {
			continue // blob and other events
		}
		if e.Action == "pull" && strings.HasPrefix(e.Request.UserAgent, scannerUserAgent) {
			continue // Bulwark's own scan is not a use of the image
		}
		host := e.Request.Host
		if u, err := url.Parse(e.Target.URL); err == nil && u.Host != "" {
			host = u.Host
		}
		id := e.ID
		if id == "" {
			id = fmt.Sprintf("%s-%d", e.Target.Digest, i)
		}
		at := e.Timestamp
		if at.IsZero() {
			at = time.Now()
		}
		out = append(out, registryEvent{ID: id, Action: e.Action, Host: host, Repository: e.Target.Repository,
			Digest: e.Target.Digest, Tag: e.Target.Tag, At: at.UTC()})
	}
	return out, nil
}

// isImageEvent says whether a distribution event is about an image: a
// push or pull of a manifest, or a delete (the registry sends manifest
// deletes with only a digest and tag deletes with only a tag, both
// without a media type).
func isImageEvent(action, mediaType, digest, tag string) bool {
	switch action {
	case "push", "pull":
		return manifestTypes[mediaType] && digest != ""
	case "delete":
		return (mediaType == "" || manifestTypes[mediaType]) && (digest != "" || tag != "")
	}
	return false
}

// parseHarbor reads a Harbor webhook payload; ok is false for Harbor
// events that are not about pushed, pulled or deleted artifacts.
func parseHarbor(body []byte) (evs []registryEvent, ok bool, err error) {
	var ev harborEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, false, fmt.Errorf("not a Harbor webhook payload: %w", err)
	}
	action := map[string]string{"PUSH_ARTIFACT": "push", "PULL_ARTIFACT": "pull", "DELETE_ARTIFACT": "delete"}[ev.Type]
	if action == "" {
		return nil, false, nil
	}
	if ev.EventData.Repository.RepoFullName == "" {
		return nil, false, errors.New("artifact event without event_data.repository.repo_full_name")
	}
	at := time.Unix(ev.OccurAt, 0).UTC()
	for _, res := range ev.EventData.Resources {
		if res.Digest == "" {
			continue
		}
		host, _, _ := strings.Cut(res.ResourceURL, "/")
		h := sha256.Sum256([]byte(ev.Type + "|" + res.Digest + "|" + res.Tag + "|" + strconv.FormatInt(ev.OccurAt, 10)))
		evs = append(evs, registryEvent{ID: "harbor-" + hex.EncodeToString(h[:12]), Action: action, Host: host,
			Repository: ev.EventData.Repository.RepoFullName, Digest: res.Digest, Tag: res.Tag, At: at})
	}
	return evs, true, nil
}

// handleDistributionEvents receives a distribution registry's
// notifications and answers only once they are stored (the registry
// retries until then).
func (s *Server) handleDistributionEvents(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r, maxEventBody)
	if !ok {
		return
	}
	evs, err := parseDistribution(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.storeEvents(w, r, "distribution", evs)
}

// handleHarborEvents receives Harbor's webhook notifications.
func (s *Server) handleHarborEvents(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r, maxEventBody)
	if !ok {
		return
	}
	evs, ours, err := parseHarbor(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if !ours {
		w.WriteHeader(http.StatusNoContent) // other Harbor events (quota, scans...) are not ours
		return
	}
	s.storeEvents(w, r, "harbor", evs)
}

// storeEvents checks the events, resolves their registry and stores
// them. An ingest token delivers only its own registry's events.
func (s *Server) storeEvents(w http.ResponseWriter, r *http.Request, source string, evs []registryEvent) {
	if len(evs) > s.opts.Limits.EventsPerRequest {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("%d image events in one request: at most %d", len(evs), s.opts.Limits.EventsPerRequest))
		return
	}
	now := time.Now()
	for i, e := range evs {
		if err := checkEvent(i, e, now); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	out := make([]store.Event, 0, len(evs))
	pushes := map[int64]int{}
	byHost := map[string]*store.Registry{} // a batch names few hosts
	for _, e := range evs {
		reg := byHost[e.Host]
		if reg == nil {
			var status int
			var err error
			if reg, status, err = s.registryFor(r, e.Host); err != nil {
				writeError(w, status, err.Error())
				return
			}
			byHost[e.Host] = reg
		}
		if e.Action == "push" {
			pushes[reg.ID]++
		}
		out = append(out, store.Event{EventID: e.ID, Source: source, Action: e.Action, RegistryID: reg.ID,
			Repository: e.Repository, Digest: e.Digest, Tag: e.Tag, At: e.At})
	}
	for id, n := range pushes {
		queued, err := s.store.PendingScans(r.Context(), id)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		if queued+n > s.opts.Limits.QueuedScans {
			// Not stored and not acknowledged: the registry delivers again.
			tooMany(w, 30*time.Second, fmt.Sprintf("registry %d has %d scans waiting: at most %d", id, queued, s.opts.Limits.QueuedScans))
			return
		}
	}
	s.saveEvents(w, r, out)
}

// registryFor finds the connected registry an event is about. An ingest
// token's own registry, always: an event naming another connected
// registry's host, or ?registry= naming another, is refused (403). Admin
// tokens may name one by ?registry=ID, else by the events' host.
func (s *Server) registryFor(r *http.Request, host string) (*store.Registry, int, error) {
	tok := caller(r.Context())
	var id int64
	if q := r.URL.Query().Get("registry"); q != "" {
		n, err := strconv.ParseInt(q, 10, 64)
		if err != nil {
			return nil, http.StatusBadRequest, fmt.Errorf("bad registry %q (want its id)", q)
		}
		id = n
	}
	if tok.Role == RoleIngest {
		if tok.RegistryID == 0 || (id != 0 && id != tok.RegistryID) {
			return nil, http.StatusForbidden, errors.New("this ingest token may deliver notifications of its own registry only")
		}
		if host != "" {
			other, err := s.store.RegistryByHost(r.Context(), host)
			if err == nil && other.ID != tok.RegistryID {
				return nil, http.StatusForbidden, fmt.Errorf("event for registry %q: this ingest token may deliver notifications of its own registry only", host)
			}
		}
		id = tok.RegistryID
	}
	var reg *store.Registry
	var err error
	if id != 0 {
		reg, err = s.store.Registry(r.Context(), id)
	} else {
		reg, err = s.store.RegistryByHost(r.Context(), host)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, http.StatusUnprocessableEntity, fmt.Errorf("registry %q is not connected to Bulwark: connect it first (POST /api/v1/registries)", host)
	}
	if err != nil {
		return nil, http.StatusInternalServerError, errors.New("cannot look up the registry")
	}
	return reg, 0, nil
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
