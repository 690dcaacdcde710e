package store

import (
	"context"
	"fmt"
	"time"
)

// Totals summarise the images that are not deleted: how many, how many per
// health, and their findings (from scanned images).
type Totals struct {
	Images, Healthy, Unhealthy, Unscanned int
	Counts                                Counts
	Fixable                               int
}

// Totals sums Counts and Fixable over scanned images that are not deleted,
// and counts those images by health.
func (s *Store) Totals(ctx context.Context) (Totals, error) {
	var t Totals
	err := s.reader().row(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN health = 'healthy' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN health = 'unhealthy' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN health = 'unscanned' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(c_critical), 0), COALESCE(SUM(c_high), 0), COALESCE(SUM(c_medium), 0),
		COALESCE(SUM(c_low), 0), COALESCE(SUM(c_info), 0), COALESCE(SUM(c_unknown), 0), COALESCE(SUM(fixable), 0)
		FROM images WHERE deleted = FALSE`).Scan(&t.Images, &t.Healthy, &t.Unhealthy, &t.Unscanned,
		&t.Counts.Critical, &t.Counts.High, &t.Counts.Medium, &t.Counts.Low, &t.Counts.Informational, &t.Counts.Unknown, &t.Fixable)
	if err != nil {
		return Totals{}, fmt.Errorf("totals: %w", err)
	}
	return t, nil
}

// DayCounts is one day of history: the totals as they stood that day.
type DayCounts struct {
	Day               time.Time // midnight UTC
	Counts            Counts
	Images, Unhealthy int
}

// day truncates t to its UTC midnight.
func day(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }

// RecordDay stores d for its UTC day; the last write of a day wins.
func (s *Store) RecordDay(ctx context.Context, d DayCounts) error {
	_, err := s.writer().exec(ctx, `INSERT INTO history (day, c_critical, c_high, c_medium, c_low, c_info, c_unknown, images, unhealthy)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (day) DO UPDATE SET c_critical = excluded.c_critical, c_high = excluded.c_high, c_medium = excluded.c_medium,
			c_low = excluded.c_low, c_info = excluded.c_info, c_unknown = excluded.c_unknown,
			images = excluded.images, unhealthy = excluded.unhealthy`,
		toDB(day(d.Day)), d.Counts.Critical, d.Counts.High, d.Counts.Medium, d.Counts.Low, d.Counts.Informational, d.Counts.Unknown,
		d.Images, d.Unhealthy)
	if err != nil {
		return fmt.Errorf("record day %s: %w", day(d.Day).Format(time.DateOnly), err)
	}
	return nil
}

// History returns the days from since's day on, oldest first.
func (s *Store) History(ctx context.Context, since time.Time) ([]DayCounts, error) {
	rows, err := s.reader().query(ctx, `SELECT day, c_critical, c_high, c_medium, c_low, c_info, c_unknown, images, unhealthy
		FROM history WHERE day >= ? ORDER BY day`, toDB(day(since)))
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	var out []DayCounts
	for rows.Next() {
		var d DayCounts
		var us int64
		if err := rows.Scan(&us, &d.Counts.Critical, &d.Counts.High, &d.Counts.Medium, &d.Counts.Low, &d.Counts.Informational,
			&d.Counts.Unknown, &d.Images, &d.Unhealthy); err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		d.Day = time.UnixMicro(us).UTC()
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return out, nil
}

// RepositorySummary counts one repository's images (not deleted).
type RepositorySummary struct {
	RegistryID int64
	Repository string
	Images     int
	Unhealthy  int
	LastSeen   time.Time
}

// Repositories summarises every repository with images, by registry and
// name, in one grouped query.
func (s *Store) Repositories(ctx context.Context) ([]RepositorySummary, error) {
	rows, err := s.reader().query(ctx, `SELECT registry_id, repository, COUNT(*),
		COALESCE(SUM(CASE WHEN health = 'unhealthy' THEN 1 ELSE 0 END), 0), MAX(last_seen)
		FROM images WHERE deleted = FALSE GROUP BY registry_id, repository ORDER BY registry_id, repository`)
	if err != nil {
		return nil, fmt.Errorf("repositories: %w", err)
	}
	defer rows.Close()
	var out []RepositorySummary
	for rows.Next() {
		var r RepositorySummary
		var last int64
		if err := rows.Scan(&r.RegistryID, &r.Repository, &r.Images, &r.Unhealthy, &last); err != nil {
			return nil, fmt.Errorf("repositories: %w", err)
		}
		r.LastSeen = fromDB(last)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("repositories: %w", err)
	}
	return out, nil
}
