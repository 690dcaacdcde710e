package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Alert is a detection. Repeats of an active alert (same Fingerprint) fold
// into it: Count and LastSeen grow.
type Alert struct {
	ID                  int64
	Fingerprint         string
	Type                string // e.g. "K8S_PrivilegedContainer", "IMAGE_Unhealthy"
	Title               string
	Severity            string
	Status              string            // active, dismissed, resolved
	Tactics             []string          // MITRE ATT&CK tactics
	Entities            map[string]string // cluster, namespace, workload, image, node, user, ip, process...
	Evidence            []byte            // raw JSON
	Remediation         string
	Count               int
	FirstSeen, LastSeen time.Time
}

// The values of Alert.Status.
const (
	alertActive    = "active"
	alertDismissed = "dismissed"
	alertResolved  = "resolved"
)

const alertCols = "id, fingerprint, type, title, severity, status, tactics, entities, evidence, remediation, count, first_seen, last_seen"

// UpsertAlert folds a into the active alert with its Fingerprint (Count+1,
// LastSeen the later of the two) or stores it as a new active alert with
// Count 1. It sets a's ID, Status, Count, FirstSeen and LastSeen to the
// stored ones. Zero FirstSeen and LastSeen mean now.
func (s *Store) UpsertAlert(ctx context.Context, a *Alert) (created bool, err error) {
	if a.LastSeen.IsZero() {
		a.LastSeen = s.nowTime()
	}
	if a.FirstSeen.IsZero() {
		a.FirstSeen = a.LastSeen
	}
	entities, err := json.Marshal(a.Entities)
	if err != nil {
		return false, fmt.Errorf("upsert alert %q: %w", a.Fingerprint, err)
	}
	err = s.tx(ctx, func(c conn) error {
		for range 3 {
			var id int64
			err := c.row(ctx, `INSERT INTO alerts (fingerprint, type, title, severity, status, tactics, entities, evidence, remediation, count, first_seen, last_seen)
				VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, 1, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
				a.Fingerprint, a.Type, a.Title, a.Severity, encodeList(a.Tactics), string(entities), nullBytes(a.Evidence),
				a.Remediation, toDB(a.FirstSeen), toDB(a.LastSeen)).Scan(&id)
			if err == nil {
				a.ID, a.Status, a.Count, created = id, alertActive, 1, true
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			var first, last int64
			err = c.row(ctx, `UPDATE alerts SET count = count + 1, last_seen = CASE WHEN last_seen < ? THEN ? ELSE last_seen END
				WHERE fingerprint = ? AND status = 'active' RETURNING id, count, first_seen, last_seen`,
				toDB(a.LastSeen), toDB(a.LastSeen), a.Fingerprint).Scan(&a.ID, &a.Count, &first, &last)
			if err == nil {
				a.Status, a.FirstSeen, a.LastSeen = alertActive, fromDB(first), fromDB(last)
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			// The active alert was closed in between: insert again.
		}
		return errors.New("the active alert kept changing under a concurrent writer")
	})
	if err != nil {
		return false, fmt.Errorf("upsert alert %q: %w", a.Fingerprint, err)
	}
	return created, nil
}

// AlertFilter selects alerts for ListAlerts; empty fields match all.
type AlertFilter struct {
	Status, Severity, Type string
	Limit, Offset          int // Limit 0 means 50; at most 500
}

// ListAlerts returns a page of the alerts f selects, most recently seen
// first, and how many f selects in all.
func (s *Store) ListAlerts(ctx context.Context, f AlertFilter) ([]Alert, int, error) {
	var conds []string
	var args []any
	for _, kv := range [][2]string{{"status", f.Status}, {"severity", f.Severity}, {"type", f.Type}} {
		if kv[1] != "" {
			conds, args = append(conds, kv[0]+" = ?"), append(args, kv[1])
		}
	}
	where := "1 = 1"
	if len(conds) > 0 {
		where = strings.Join(conds, " AND ")
	}
	c := s.reader()
	var total int
	if err := c.row(ctx, "SELECT COUNT(*) FROM alerts WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("list alerts: %w", err)
	}
	rows, err := c.query(ctx, "SELECT "+alertCols+" FROM alerts WHERE "+where+" ORDER BY last_seen DESC, id DESC LIMIT ? OFFSET ?",
		append(args, limit(f.Limit), max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("list alerts: %w", err)
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		var a Alert
		if err := scanAlert(rows, &a); err != nil {
			return nil, 0, fmt.Errorf("list alerts: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list alerts: %w", err)
	}
	return out, total, nil
}

// Alert returns one alert; ErrNotFound when there is none.
func (s *Store) Alert(ctx context.Context, id int64) (*Alert, error) {
	var a Alert
	if err := scanAlert(s.reader().row(ctx, "SELECT "+alertCols+" FROM alerts WHERE id = ?", id), &a); err != nil {
		return nil, fmt.Errorf("alert %d: %w", id, notFound(err))
	}
	return &a, nil
}

// SetAlertStatus sets an alert active, dismissed or resolved. Reactivating
// an alert whose fingerprint has another active alert is ErrConflict.
func (s *Store) SetAlertStatus(ctx context.Context, id int64, status string) error {
	switch status {
	case alertActive, alertDismissed, alertResolved:
	default:
		return fmt.Errorf("set status of alert %d: unknown status %q (want active, dismissed or resolved)", id, status)
	}
	err := execOne(ctx, s.writer(), "UPDATE alerts SET status = ? WHERE id = ?", status, id)
	if isConflict(err) {
		err = ErrConflict
	}
	if err != nil {
		return fmt.Errorf("set status of alert %d: %w", id, err)
	}
	return nil
}

func scanAlert(sc scanner, a *Alert) error {
	var tactics, entities string
	var first, last int64
	if err := sc.Scan(&a.ID, &a.Fingerprint, &a.Type, &a.Title, &a.Severity, &a.Status, &tactics, &entities, &a.Evidence,
		&a.Remediation, &a.Count, &first, &last); err != nil {
		return err
	}
	a.Tactics = decodeList(tactics)
	if entities != "" && entities != "null" && entities != "{}" {
		if err := json.Unmarshal([]byte(entities), &a.Entities); err != nil {
			return fmt.Errorf("alert %d entities: %w", a.ID, err)
		}
	}
	a.FirstSeen, a.LastSeen = fromDB(first), fromDB(last)
	return nil
}
