package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/recommend"
	"github.com/bulwarksec/bulwark/internal/store"
)

// maxBody bounds an API request body.
const maxBody = 1 << 20

// decode reads a JSON body into v, refusing unknown fields, with a 4xx
// naming the problem.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		bodyError(w, err)
		return false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		writeError(w, http.StatusBadRequest, "bad request body: more than one JSON value")
		return false
	}
	return true
}

// readBody reads a request body of at most max bytes, answering 413 when
// it is larger and 400 when it cannot be read.
func readBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		bodyError(w, err)
		return nil, false
	}
	return body, true
}

// bodyError answers a failure to read or decode a request body: 413 when
// it went over its limit, else 400 naming the problem.
func bodyError(w http.ResponseWriter, err error) {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over its limit of %d bytes", tooLarge.Limit))
		return
	}
	writeError(w, http.StatusBadRequest, "bad request body: "+err.Error())
}

// pathID reads the {id} path value.
func pathID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("bad id %q", r.PathValue("id")))
		return 0, false
	}
	return id, true
}

// intParam reads a non-negative integer query parameter.
func intParam(w http.ResponseWriter, r *http.Request, name string, def, max int) (int, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || (max > 0 && n > max) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("bad %s %q (want 0..%d)", name, v, max))
		return 0, false
	}
	return n, true
}

// pageParams reads limit (default 50, at most 500) and offset.
func pageParams(w http.ResponseWriter, r *http.Request) (limit, offset int, ok bool) {
	if limit, ok = intParam(w, r, "limit", 50, 500); !ok {
		return 0, 0, false
	}
	offset, ok = intParam(w, r, "offset", 0, 0)
	return limit, offset, ok
}

// writePage writes {"items": [...], "total": N}, each item converted.
func writePage[T, J any](w http.ResponseWriter, rows []T, total int, conv func(*T) J) {
	items := make([]J, 0, len(rows))
	for i := range rows {
		items = append(items, conv(&rows[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": total})
}

func (s *Server) storeError(w http.ResponseWriter, r *http.Request, err error, what string) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, what+" not found")
	case errors.Is(err, store.ErrLastAdmin):
		writeError(w, http.StatusConflict, "the last admin token cannot be deleted: create another admin token first")
	case errors.Is(err, store.ErrConflict):
		writeError(w, http.StatusConflict, what+" already exists")
	default:
		s.internalError(w, r, err)
	}
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// countsJSON is findings per severity.
type countsJSON struct {
	Critical      int `json:"critical"`
	High          int `json:"high"`
	Medium        int `json:"medium"`
	Low           int `json:"low"`
	Informational int `json:"informational"`
	Unknown       int `json:"unknown"`
}

func toCounts(c store.Counts) countsJSON {
	return countsJSON{c.Critical, c.High, c.Medium, c.Low, c.Informational, c.Unknown}
}

type imageJSON struct {
	ID         int64      `json:"id"`
	AssetID    string     `json:"assetId"`
	Registry   string     `json:"registry"`
	RegistryID int64      `json:"registryId"`
	Repository string     `json:"repository"`
	Digest     string     `json:"digest"`
	Tags       []string   `json:"tags"`
	OS         string     `json:"os"`
	Packages   int        `json:"packages"`
	FirstSeen  *time.Time `json:"firstSeen"`
	LastSeen   *time.Time `json:"lastSeen"`
	PushedAt   *time.Time `json:"pushedAt"`
	PulledAt   *time.Time `json:"pulledAt"`
	ScannedAt  *time.Time `json:"scannedAt"`
	Scanned    bool       `json:"scanned"`
	Healthy    bool       `json:"healthy"`
	Counts     countsJSON `json:"counts"`
	Fixable    int        `json:"fixable"`
	Deleted    bool       `json:"deleted"`
}

func toImage(i *store.Image) imageJSON {
	tags := i.Tags
	if tags == nil {
		tags = []string{}
	}
	return imageJSON{ID: i.ID, AssetID: recommend.AssetID(i), Registry: i.Registry, RegistryID: i.RegistryID,
		Repository: i.Repository, Digest: i.Digest, Tags: tags, OS: i.OS, Packages: i.Packages,
		FirstSeen: optTime(i.FirstSeen), LastSeen: optTime(i.LastSeen), PushedAt: optTime(i.PushedAt),
		PulledAt: optTime(i.PulledAt), ScannedAt: optTime(i.ScannedAt), Scanned: i.Scanned, Healthy: i.Healthy,
		Counts: toCounts(i.Counts), Fixable: i.Fixable, Deleted: i.Deleted}
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	t := caller(r.Context())
	writeJSON(w, http.StatusOK, map[string]string{"name": t.Name, "role": t.Role})
}

func (s *Server) handleImages(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.ImageFilter{Repository: q.Get("repository"), Health: q.Get("health"), Search: q.Get("q"),
		IncludeDeleted: q.Get("deleted") == "true"}
	switch f.Health {
	case "", "healthy", "unhealthy", "unscanned":
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("bad health %q (want healthy, unhealthy or unscanned)", f.Health))
		return
	}
	var ok bool
	if f.Limit, f.Offset, ok = pageParams(w, r); !ok {
		return
	}
	if reg := q.Get("registry"); reg != "" {
		id, err := strconv.ParseInt(reg, 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("bad registry %q (want its id)", reg))
			return
		}
		f.RegistryID = id
	}
	imgs, total, err := s.store.ListImages(r.Context(), f)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writePage(w, imgs, total, toImage)
}

type packageJSON struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	Type      string `json:"type"`
	Ecosystem string `json:"ecosystem"`
	PURL      string `json:"purl"`
	Layer     string `json:"layer"`
	Path      string `json:"path"`
}

func (s *Server) handleImage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	img, err := s.store.Image(r.Context(), id)
	if err != nil {
		s.storeError(w, r, err, "image")
		return
	}
	out := map[string]any{"image": toImage(img), "report": nil, "packages": []packageJSON{}}
	if rep, err := s.store.ScanReport(r.Context(), id); err == nil {
		out["report"] = json.RawMessage(rep)
	} else if !errors.Is(err, store.ErrNotFound) {
		s.internalError(w, r, err)
		return
	}
	if blob, err := s.store.ScanSBOM(r.Context(), id); err == nil {
		sb, err := decodeSBOM(blob)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		pkgs := make([]packageJSON, 0, len(sb.Packages))
		for _, p := range sb.Packages {
			pj := packageJSON{Name: p.Name, Version: p.Version, Type: string(p.Type), Ecosystem: p.Ecosystem, PURL: p.PURL}
			if len(p.Locations) > 0 {
				pj.Path, pj.Layer = p.Locations[0].Path, p.Locations[0].Layer
			}
			pkgs = append(pkgs, pj)
		}
		out["packages"] = pkgs
	}
	writeJSON(w, http.StatusOK, out)
}

type registryJSON struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	URL       string     `json:"url"`
	Host      string     `json:"host"`
	Username  string     `json:"username"`
	Insecure  bool       `json:"insecure"`
	CreatedAt *time.Time `json:"createdAt"`
	SyncedAt  *time.Time `json:"syncedAt"`
	SyncError string     `json:"syncError"`
	Images    int        `json:"images"`
}

// toRegistry never carries the secret.
func toRegistry(reg *store.Registry, images int) registryJSON {
	return registryJSON{ID: reg.ID, Name: reg.Name, URL: reg.URL, Host: reg.Host, Username: reg.Username,
		Insecure: reg.Insecure, CreatedAt: optTime(reg.CreatedAt), SyncedAt: optTime(reg.SyncedAt), SyncError: reg.SyncError, Images: images}
}

// imagesPerRegistry counts the images (not deleted) of each registry.
func (s *Server) imagesPerRegistry(r *http.Request) (map[int64]int, error) {
	repos, err := s.store.Repositories(r.Context())
	if err != nil {
		return nil, err
	}
	n := map[int64]int{}
	for _, rp := range repos {
		n[rp.RegistryID] += rp.Images
	}
	return n, nil
}

func (s *Server) handleRegistries(w http.ResponseWriter, r *http.Request) {
	regs, err := s.store.Registries(r.Context())
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	counts, err := s.imagesPerRegistry(r)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	items := make([]registryJSON, 0, len(regs))
	for i := range regs {
		items = append(items, toRegistry(&regs[i], counts[regs[i].ID]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items,
		"notificationURL": strings.TrimSuffix(s.opts.BaseURL, "/") + "/api/v1/events/distribution"})
}

func (s *Server) handleCreateRegistry(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name     string `json:"name"`
		URL      string `json:"url"`
		Username string `json:"username"`
		Password string `json:"password"`
		Insecure bool   `json:"insecure"`
	}
	if !decode(w, r, &in) {
		return
	}
	u, err := url.Parse(strings.TrimSpace(in.URL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("bad url %q: want http(s)://host[:port]", in.URL))
		return
	}
	if u.Scheme == "http" && !in.Insecure && !image.LoopbackHost(u.Host) {
		writeError(w, http.StatusBadRequest, "plain http to a registry that is not on loopback: set insecure to true to allow it")
		return
	}
	if err := s.egress.checkHost(r.Context(), u.Host, u.Scheme); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("url %q: %v", in.URL, err))
		return
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		name = u.Host
	}
	if !validName(name) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("bad name: %s", nameRule))
		return
	}
	secret, err := s.opts.Sealer.Seal(in.Password)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	reg := &store.Registry{Name: name, URL: u.Scheme + "://" + u.Host, Host: u.Host, Username: in.Username, Secret: secret,
		Insecure: in.Insecure || u.Scheme == "http"}
	if err := s.store.CreateRegistry(r.Context(), reg); err != nil {
		s.storeError(w, r, err, "registry "+name)
		return
	}
	if _, err := s.store.Enqueue(r.Context(), syncJob(reg.ID)); err != nil {
		s.internalError(w, r, err)
		return
	}
	s.wake()
	s.log.Info("registry connected", "name", reg.Name, "host", reg.Host)
	writeJSON(w, http.StatusCreated, toRegistry(reg, 0))
}

func (s *Server) handleRecommendations(w http.ResponseWriter, r *http.Request) {
	sums, err := recommend.Summaries(r.Context(), s.store)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": sums})
}

func (s *Server) handleRecommendation(w http.ResponseWriter, r *http.Request) {
	sum, res, err := recommend.Detail(r.Context(), s.store, r.PathValue("id"))
	if err != nil {
		s.storeError(w, r, err, "recommendation")
		return
	}
	if res == nil {
		res = []recommend.Resource{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"recommendation": sum, "resources": res, "healthyCount": sum.Healthy})
}

type alertJSON struct {
	ID          int64             `json:"id"`
	Fingerprint string            `json:"fingerprint"`
	Type        string            `json:"type"`
	Title       string            `json:"title"`
	Severity    string            `json:"severity"`
	Status      string            `json:"status"`
	Tactics     []string          `json:"tactics"`
	Entities    map[string]string `json:"entities"`
	Evidence    json.RawMessage   `json:"evidence"`
	Remediation string            `json:"remediation"`
	Count       int               `json:"count"`
	FirstSeen   *time.Time        `json:"firstSeen"`
	LastSeen    *time.Time        `json:"lastSeen"`
}

func toAlert(a *store.Alert) alertJSON {
	ev := json.RawMessage(a.Evidence)
	if len(ev) == 0 || !json.Valid(ev) {
		ev = json.RawMessage("null")
	}
	tac := a.Tactics
	if tac == nil {
		tac = []string{}
	}
	ent := a.Entities
	if ent == nil {
		ent = map[string]string{}
	}
	return alertJSON{ID: a.ID, Fingerprint: a.Fingerprint, Type: a.Type, Title: a.Title, Severity: a.Severity,
		Status: a.Status, Tactics: tac, Entities: ent, Evidence: ev, Remediation: a.Remediation, Count: a.Count,
		FirstSeen: optTime(a.FirstSeen), LastSeen: optTime(a.LastSeen)}
}

var alertStatuses = map[string]bool{"active": true, "dismissed": true, "resolved": true}
var severities = map[string]bool{"critical": true, "high": true, "medium": true, "low": true, "informational": true}

func (s *Server) handleAlerts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.AlertFilter{Status: q.Get("status"), Severity: q.Get("severity"), Type: q.Get("type")}
	if f.Status != "" && !alertStatuses[f.Status] {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("bad status %q (want active, dismissed or resolved)", f.Status))
		return
	}
	if f.Severity != "" && !severities[f.Severity] {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("bad severity %q", f.Severity))
		return
	}
	var ok bool
	if f.Limit, f.Offset, ok = pageParams(w, r); !ok {
		return
	}
	as, total, err := s.store.ListAlerts(r.Context(), f)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writePage(w, as, total, toAlert)
}

// handleCreateAlert takes an alert from a detector (later issues' audit
// and node sources report through it; admins may post test alerts).
func (s *Server) handleCreateAlert(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Type        string            `json:"type"`
		Title       string            `json:"title"`
		Severity    string            `json:"severity"`
		Tactics     []string          `json:"tactics"`
		Entities    map[string]string `json:"entities"`
		Evidence    json.RawMessage   `json:"evidence"`
		Remediation string            `json:"remediation"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.Type == "" || in.Title == "" || !severities[in.Severity] {
		writeError(w, http.StatusBadRequest, "an alert needs type, title and a severity (critical, high, medium, low, informational)")
		return
	}
	now := time.Now().UTC()
	a := &store.Alert{Type: in.Type, Title: in.Title, Severity: in.Severity, Status: "active", Tactics: in.Tactics,
		Entities: in.Entities, Evidence: in.Evidence, Remediation: in.Remediation, Count: 1, FirstSeen: now, LastSeen: now}
	a.Fingerprint = alertFingerprint(a)
	created, err := s.store.UpsertAlert(r.Context(), a)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	if created {
		s.notify(a)
	}
	got, err := s.store.Alert(r.Context(), a.ID)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, toAlert(got))
}

func (s *Server) handleAlertAction(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	status := map[string]string{"dismiss": "dismissed", "resolve": "resolved", "activate": "active"}[r.PathValue("action")]
	if status == "" {
		writeError(w, http.StatusNotFound, "no such alert action (dismiss, resolve, activate)")
		return
	}
	if err := s.store.SetAlertStatus(r.Context(), id, status); err != nil {
		s.storeError(w, r, err, "alert")
		return
	}
	a, err := s.store.Alert(r.Context(), id)
	if err != nil {
		s.storeError(w, r, err, "alert")
		return
	}
	writeJSON(w, http.StatusOK, toAlert(a))
}

// queueFor answers POST .../{id}/<action>: the resource must exist (exists
// says so, what names it in messages); job is queued for it, 202.
func (s *Server) queueFor(what string, exists func(ctx context.Context, id int64) error, job func(id int64) store.Job) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(w, r)
		if !ok {
			return
		}
		if err := exists(r.Context(), id); err != nil {
			s.storeError(w, r, err, what)
			return
		}
		jobID, err := s.store.Enqueue(r.Context(), job(id))
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		s.wake()
		writeJSON(w, http.StatusAccepted, map[string]int64{"job": jobID})
	}
}

func (s *Server) imageExists(ctx context.Context, id int64) error {
	_, err := s.store.Image(ctx, id)
	return err
}

func (s *Server) registryExists(ctx context.Context, id int64) error {
	_, err := s.store.Registry(ctx, id)
	return err
}

// deleteRegistry forgets a registry and its images, scans and jobs.
func (s *Server) deleteRegistry(ctx context.Context, id int64) error {
	if err := s.registryExists(ctx, id); err != nil {
		return err
	}
	return s.store.DeleteRegistry(ctx, id)
}

func scanJob(id int64) store.Job { return store.Job{Kind: jobScan, ImageID: id} }

func syncJob(id int64) store.Job { return store.Job{Kind: jobSync, Ref: strconv.FormatInt(id, 10)} }
