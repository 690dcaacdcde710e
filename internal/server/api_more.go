package server

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/recommend"
	"github.com/bulwarksec/bulwark/internal/store"
)

func (s *Server) handleOverview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t, err := s.store.Totals(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	sums, err := recommend.Summaries(ctx, s.store)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	slices.SortStableFunc(sums, func(a, b recommend.Summary) int { return b.Unhealthy - a.Unhealthy })
	if len(sums) > 5 {
		sums = sums[:5]
	}
	as, _, err := s.store.ListAlerts(ctx, store.AlertFilter{Status: "active", Limit: 5})
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	alerts := make([]alertJSON, 0, len(as))
	for i := range as {
		alerts = append(alerts, toAlert(&as[i]))
	}
	days, err := s.store.History(ctx, time.Now().UTC().AddDate(0, 0, -30))
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	type dayJSON struct {
		Day string `json:"day"`
		countsJSON
		Images    int `json:"images"`
		Unhealthy int `json:"unhealthy"`
	}
	hist := make([]dayJSON, 0, len(days))
	for _, d := range days {
		hist = append(hist, dayJSON{Day: d.Day.UTC().Format("2006-01-02"), countsJSON: toCounts(d.Counts), Images: d.Images, Unhealthy: d.Unhealthy})
	}
	db, err := s.dataStatus(ctx, time.Now())
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	q, err := s.store.QueueStats(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"images":          map[string]int{"total": t.Images, "healthy": t.Healthy, "unhealthy": t.Unhealthy, "unscanned": t.Unscanned},
		"findings":        toCounts(t.Counts),
		"fixable":         t.Fixable,
		"recommendations": sums,
		"alerts":          alerts,
		"history":         hist,
		"database":        db,
		"queue":           map[string]int{"pending": q.Pending, "running": q.Running, "dead": q.Dead},
	})
}

func (s *Server) handleInventory(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	regs, err := s.store.Registries(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	repos, err := s.store.Repositories(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	type regJSON struct {
		ID           int64  `json:"id"`
		Name         string `json:"name"`
		Host         string `json:"host"`
		Repositories int    `json:"repositories"`
		Images       int    `json:"images"`
	}
	type repoJSON struct {
		Registry   string     `json:"registry"`
		Repository string     `json:"repository"`
		Images     int        `json:"images"`
		Unhealthy  int        `json:"unhealthy"`
		LastSeen   *time.Time `json:"lastSeen"`
	}
	regOut := make([]regJSON, 0, len(regs))
	byID := map[int64]int{}
	for _, reg := range regs {
		byID[reg.ID] = len(regOut)
		regOut = append(regOut, regJSON{ID: reg.ID, Name: reg.Name, Host: reg.Host})
	}
	repoOut := make([]repoJSON, 0, len(repos))
	total := 0
	for _, rp := range repos {
		i, ok := byID[rp.RegistryID]
		if !ok {
			continue
		}
		regOut[i].Repositories++
		regOut[i].Images += rp.Images
		total += rp.Images
		repoOut = append(repoOut, repoJSON{Registry: regOut[i].Host, Repository: rp.Repository, Images: rp.Images,
			Unhealthy: rp.Unhealthy, LastSeen: optTime(rp.LastSeen)})
	}
	slices.SortFunc(repoOut, func(a, b repoJSON) int {
		return cmp.Or(strings.Compare(a.Registry, b.Registry), strings.Compare(a.Repository, b.Repository))
	})
	writeJSON(w, http.StatusOK, map[string]any{
		"counts": map[string]int{"registries": len(regs), "repositories": len(repoOut), "images": total,
			"clusters": 0, "nodes": 0, "workloads": 0, "hosts": 0},
		"registries":   regOut,
		"repositories": repoOut,
	})
}

type exemptionJSON struct {
	ID        int64      `json:"id"`
	Rule      string     `json:"rule"`
	Resource  string     `json:"resource"`
	Reason    string     `json:"reason"`
	Expires   *time.Time `json:"expires"`
	CreatedAt *time.Time `json:"createdAt"`
	CreatedBy string     `json:"createdBy"`
}

func (s *Server) handleExemptions(w http.ResponseWriter, r *http.Request) {
	exs, err := s.store.Exemptions(r.Context())
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	items := make([]exemptionJSON, 0, len(exs))
	for _, e := range exs {
		items = append(items, exemptionJSON{e.ID, e.Rule, e.Resource, e.Reason, optTime(e.Expires), optTime(e.CreatedAt), e.CreatedBy})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

func (s *Server) handleCreateExemption(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Rule     string     `json:"rule"`
		Resource string     `json:"resource"`
		Reason   string     `json:"reason"`
		Expires  *time.Time `json:"expires"`
	}
	if !decode(w, r, &in) {
		return
	}
	if strings.TrimSpace(in.Reason) == "" {
		writeError(w, http.StatusBadRequest, "an exemption needs a reason")
		return
	}
	if in.Rule != "" && recommend.RuleByID(in.Rule) == nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("no recommendation %q", in.Rule))
		return
	}
	e := &store.Exemption{Rule: in.Rule, Resource: in.Resource, Reason: in.Reason, CreatedBy: caller(r.Context()).Name}
	if in.Expires != nil {
		e.Expires = in.Expires.UTC()
		if !e.Expires.After(time.Now()) {
			writeError(w, http.StatusBadRequest, "expires is in the past")
			return
		}
	}
	if err := s.store.CreateExemption(r.Context(), e); err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, exemptionJSON{e.ID, e.Rule, e.Resource, e.Reason, optTime(e.Expires), optTime(e.CreatedAt), e.CreatedBy})
}

type findingRuleJSON struct {
	ID          int64      `json:"id"`
	VulnID      string     `json:"vulnId"`
	MaxSeverity string     `json:"maxSeverity"`
	Reason      string     `json:"reason"`
	CreatedAt   *time.Time `json:"createdAt"`
}

func (s *Server) handleFindingRules(w http.ResponseWriter, r *http.Request) {
	rs, err := s.store.FindingRules(r.Context())
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	items := make([]findingRuleJSON, 0, len(rs))
	for _, fr := range rs {
		items = append(items, findingRuleJSON{fr.ID, fr.VulnID, fr.MaxSeverity, fr.Reason, optTime(fr.CreatedAt)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// handleCreateFindingRule disables findings by ID or severity; every
// stored result is re-evaluated with the new rules.
func (s *Server) handleCreateFindingRule(w http.ResponseWriter, r *http.Request) {
	var in struct {
		VulnID      string `json:"vulnId"`
		MaxSeverity string `json:"maxSeverity"`
		Reason      string `json:"reason"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.VulnID == "" && in.MaxSeverity == "" {
		writeError(w, http.StatusBadRequest, "a finding rule needs vulnId, maxSeverity or both")
		return
	}
	if in.MaxSeverity != "" {
		if _, err := finding.ParseSeverity(in.MaxSeverity); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	fr := &store.FindingRule{VulnID: in.VulnID, MaxSeverity: in.MaxSeverity, Reason: in.Reason}
	if err := s.store.CreateFindingRule(r.Context(), fr); err != nil {
		s.internalError(w, r, err)
		return
	}
	if _, err := s.enqueueRematchAll(r.Context()); err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, findingRuleJSON{fr.ID, fr.VulnID, fr.MaxSeverity, fr.Reason, optTime(fr.CreatedAt)})
}

type tokenJSON struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	RegistryID int64      `json:"registry,omitempty"`
	ExpiresAt  *time.Time `json:"expiresAt"`
	CreatedAt  *time.Time `json:"createdAt"`
	LastUsed   *time.Time `json:"lastUsed"`
	Token      string     `json:"token,omitempty"` // only when created
}

func toToken(t *store.Token) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, Role: t.Role, RegistryID: t.RegistryID, ExpiresAt: optTime(t.ExpiresAt),
		CreatedAt: optTime(t.CreatedAt), LastUsed: optTime(t.LastUsed)}
}

func (s *Server) handleTokens(w http.ResponseWriter, r *http.Request) {
	if caller(r.Context()).Role != RoleAdmin {
		writeError(w, http.StatusForbidden, "listing tokens needs an admin token")
		return
	}
	ts, err := s.store.Tokens(r.Context())
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writePage(w, ts, len(ts), toToken)
}

// handleCreateToken makes a token. An ingest token is bound to one
// registry (it sits in that registry's configuration and can deliver only
// its notifications); any token may expire.
func (s *Server) handleCreateToken(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name      string    `json:"name"`
		Role      string    `json:"role"`
		Registry  int64     `json:"registry"`
		ExpiresAt time.Time `json:"expiresAt"`
	}
	if !decode(w, r, &in) {
		return
	}
	t, msg := NewTokenRequest(in.Name, in.Role, in.Registry, in.ExpiresAt)
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	if t.RegistryID != 0 {
		if err := s.registryExists(r.Context(), t.RegistryID); err != nil {
			s.storeError(w, r, err, fmt.Sprintf("registry %d", t.RegistryID))
			return
		}
	}
	secret, err := CreateToken(r.Context(), s.store, t)
	if err != nil {
		s.storeError(w, r, err, "token "+in.Name)
		return
	}
	out := toToken(t)
	out.Token = secret
	writeJSON(w, http.StatusCreated, out)
}

// NewTokenRequest checks the fields of a token to create; msg says what
// is wrong.
func NewTokenRequest(name, role string, registry int64, expires time.Time) (t *store.Token, msg string) {
	switch {
	case !validName(name):
		return nil, "bad name: " + nameRule
	case role != RoleAdmin && role != RoleReader && role != RoleIngest:
		return nil, fmt.Sprintf("bad role %q: want admin, reader or ingest", role)
	case role == RoleIngest && registry <= 0:
		return nil, "an ingest token needs the registry (its id) whose notifications it delivers"
	case role != RoleIngest && registry != 0:
		return nil, "only ingest tokens are bound to a registry"
	case !expires.IsZero() && !expires.After(time.Now()):
		return nil, "expiresAt is in the past"
	}
	return &store.Token{Name: name, Role: role, RegistryID: registry, ExpiresAt: expires.UTC()}, ""
}

// deleteByID answers DELETE .../{id}: del removes the resource (what, in
// messages), then 204.
func (s *Server) deleteByID(what string, del func(ctx context.Context, id int64) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(w, r)
		if !ok {
			return
		}
		if err := del(r.Context(), id); err != nil {
			s.storeError(w, r, err, what)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// deleteFindingRule removes a rule and re-evaluates every stored result
// without it.
func (s *Server) deleteFindingRule(ctx context.Context, id int64) error {
	if err := s.store.DeleteFindingRule(ctx, id); err != nil {
		return err
	}
	_, err := s.enqueueRematchAll(ctx)
	return err
}
