package server

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/bulwarksec/bulwark/internal/store"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// staleAlertType is the alert raised when the vulnerability data is older
// than DataStaleAfter.
const staleAlertType = "BULWARK_StaleVulnerabilityData"

// checkStale raises one alert per database that grows older than
// DataStaleAfter (a dismissed one is not raised again), and resolves the
// active ones once the data is fresh.
func (s *Server) checkStale(ctx context.Context, now time.Time) error {
	if s.opts.DataStaleAfter <= 0 {
		return nil
	}
	c, err := s.database()
	if err != nil {
		return nil // no data at all: the log and /readyz say so
	}
	m := c.db.Meta()
	prior, _, err := s.store.ListAlerts(ctx, store.AlertFilter{Type: staleAlertType, Limit: 100})
	if err != nil {
		return err
	}
	fp := staleAlertType + "/" + m.Built.UTC().Format(time.RFC3339Nano)
	current := s.dataCurrentAt(ctx, m)
	if age := now.Sub(current); age < s.opts.DataStaleAfter {
		return s.resolveStale(ctx, prior)
	}
	for _, a := range prior {
		if a.Fingerprint == fp {
			return nil
		}
	}
	a := s.staleAlert(m, current, fp, now)
	if _, err := s.store.UpsertAlert(ctx, a); err != nil {
		return err
	}
	s.notify(a)
	return nil
}

func (s *Server) resolveStale(ctx context.Context, prior []store.Alert) error {
	for _, a := range prior {
		if a.Status != "active" {
			continue
		}
		if err := s.store.SetAlertStatus(ctx, a.ID, "resolved"); err != nil {
			return err
		}
	}
	return nil
}

// staleAlert describes data last known current at current, seen at now.
func (s *Server) staleAlert(m vulndb.Meta, current time.Time, fp string, now time.Time) *store.Alert {
	age := now.Sub(current).Round(time.Hour)
	ev, _ := json.Marshal(map[string]any{"built": m.Built, "updated": m.Updated, "currentAt": current, "ageSeconds": int64(now.Sub(current).Seconds()),
		"staleAfterSeconds": int64(s.opts.DataStaleAfter.Seconds()), "sources": len(m.Sources)})
	fix := "Run `bulwark db update --db-dir " + s.opts.DBDir + "` (or let `bulwark serve --data-refresh 6h` do it); check the server log for refresh errors."
	return &store.Alert{
		Fingerprint: fp,
		Type:        staleAlertType,
		Title:       fmt.Sprintf("Vulnerability data is %s old", age),
		Severity:    "medium",
		Entities:    map[string]string{"database": vulndb.Path(s.opts.DBDir)},
		Evidence:    ev,
		Remediation: fix,
		FirstSeen:   now.UTC(), LastSeen: now.UTC(),
	}
}
