// Package store persists the server's state (registries, images, scan
// results, the job queue, events, alerts, tokens, exemptions, settings) in
// SQLite, embedded and the default, or in PostgreSQL when several replicas
// share one database. Both run the same embedded migrations and the same
// queries through database/sql; a small dialect layer covers placeholders,
// column types and row locking.
//
// Times are stored as microseconds since the Unix epoch (0 for the zero
// time) and come back as UTC time.Time values truncated to the microsecond.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// ErrNotFound is returned (wrapped) when the requested row does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned (wrapped) when a row with the same unique key
// already exists.
var ErrConflict = errors.New("already exists")

// ErrLeaseLost is returned (wrapped) by Extend when the job is no longer
// locked by the worker (it finished, failed, or another worker took it
// after the lease expired).
var ErrLeaseLost = errors.New("job not locked by this worker")

// Store is the server's database. It is safe for concurrent use, and
// several Stores (processes) may share one database.
type Store struct {
	w   *sql.DB // writes and transactions; one connection on SQLite
	r   *sql.DB // reads; the same pool as w on PostgreSQL
	d   *dialect
	now func() time.Time
	dsn string // as given to Open
}

// Open connects to dsn and applies the migrations it lacks. dsn is a file
// path or sqlite:///path/bulwark.db for SQLite (directories are created),
// or a postgres:// or postgresql:// URL for PostgreSQL.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s, err := connect(dsn)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx, math.MaxInt64); err != nil {
		s.Close()
		return nil, fmt.Errorf("open %s: %w", redact(dsn), err)
	}
	return s, nil
}

// connect opens dsn without migrating it.
func connect(dsn string) (*Store, error) {
	kind, target, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	var s *Store
	if kind == sqliteName {
		s, err = openSQLite(target)
	} else {
		s, err = openPostgres(target)
	}
	if err != nil {
		return nil, err
	}
	s.dsn = dsn
	return s, nil
}

// Close closes the database. On SQLite it first lets the planner refresh
// the statistics it found lacking (PRAGMA optimize, as SQLite advises for
// long-lived connections).
func (s *Store) Close() error {
	if s.d.name == sqliteName {
		_, _ = s.w.Exec("PRAGMA optimize")
	}
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", s.d.name, err)
	}
	return nil
}

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// tx runs fn in a transaction on the write pool and commits when it
// returns nil. A transaction PostgreSQL aborts to break a deadlock or a
// serialization conflict runs again, up to three times in all; fn must
// not keep state from an aborted run.
func (s *Store) tx(ctx context.Context, fn func(c conn) error) error {
	for attempt := 1; ; attempt++ {
		err := s.tx1(ctx, fn)
		if err == nil || attempt == 3 || !isRetryable(err) || ctx.Err() != nil {
			return err
		}
	}
}

func (s *Store) tx1(ctx context.Context, fn func(c conn) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(conn{tx, s.d}); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// reader and writer are the pools for reads and for single writes.
func (s *Store) reader() conn { return conn{s.r, s.d} }
func (s *Store) writer() conn { return conn{s.w, s.d} }

// nowTime is the current time as stored.
func (s *Store) nowTime() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// toDB and fromDB convert times to and from their stored form.
func toDB(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromDB(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// execOne runs a statement that must change one row; ErrNotFound otherwise.
func execOne(ctx context.Context, c conn, query string, args ...any) error {
	res, err := c.exec(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// notFound maps sql.ErrNoRows to ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// limit applies the list defaults: 0 means 50, at most 500.
func limit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 500:
		return 500
	}
	return n
}
