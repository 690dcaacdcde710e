package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A lease lets one replica at a time do a piece of shared work (download
// the vulnerability data) without a job: it is a setting "lease.NAME"
// holding "UNTIL HOLDER", taken by compare-and-swap, so that it works
// alike on SQLite and PostgreSQL. A holder that dies loses it when it
// expires.

// TryLease takes the lease name for holder until now+ttl when it is free,
// expired or holder's already; ok says whether holder has it.
func (s *Store) TryLease(ctx context.Context, name, holder string, ttl time.Duration) (ok bool, err error) {
	key := "lease." + name
	now := s.nowTime()
	val := strconv.FormatInt(toDB(now.Add(ttl)), 10) + " " + holder
	err = s.tx(ctx, func(c conn) error {
		var old string
		err := c.row(ctx, "SELECT value FROM settings WHERE name = ?", key).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			res, err := c.exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING", key, val)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			ok = n == 1
			return err
		}
		if err != nil || !leaseFree(old, holder, now) {
			return err
		}
		err = execOne(ctx, c, "UPDATE settings SET value = ? WHERE name = ? AND value = ?", val, key, old)
		if errors.Is(err, ErrNotFound) {
			return nil // another holder took it in between
		}
		ok = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("take lease %q for %s: %w", name, holder, err)
	}
	return ok, nil
}

// ReleaseLease gives up holder's lease name; releasing a lease holder
// does not hold changes nothing.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	key := "lease." + name
	err := s.tx(ctx, func(c conn) error {
		var v string
		err := c.row(ctx, "SELECT value FROM settings WHERE name = ?", key).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if _, who, _ := strings.Cut(v, " "); err != nil || who != holder {
			return err
		}
		_, err = c.exec(ctx, "DELETE FROM settings WHERE name = ? AND value = ?", key, v)
		return err
	})
	if err != nil {
		return fmt.Errorf("release lease %q for %s: %w", name, holder, err)
	}
	return nil
}

// leaseFree says whether a lease stored as v may be taken by holder at
// now.
func leaseFree(v, holder string, now time.Time) bool {
	until, who, _ := strings.Cut(v, " ")
	n, err := strconv.ParseInt(until, 10, 64)
	return err != nil || who == holder || !fromDB(n).After(now)
}
