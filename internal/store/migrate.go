package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// migrations are NNNN_name.sql files applied in order, each once.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migrationLock is the pg_advisory_xact_lock key that serialises
// migrations between processes starting at once ("bulwark" in ASCII).
const migrationLock = 0x62756c7761726b

type migration struct {
	version int64
	name    string
	body    string
}

// loadMigrations reads and orders the embedded files.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	files, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, f := range files {
		base := path.Base(f)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_what.sql", base)
		}
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, body: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share a number", ms[i-1].name, ms[i].name)
		}
	}
	return ms, nil
}

// statements splits a migration into statements: each ends with ; at the
// end of a line. Comment-only pieces are dropped.
func statements(body string) []string {
	var out []string
	var cur strings.Builder
	for line := range strings.Lines(body) {
		cur.WriteString(line)
		if strings.HasSuffix(strings.TrimRight(line, " \t\r\n"), ";") {
			out = appendStatement(out, cur.String())
			cur.Reset()
		}
	}
	return appendStatement(out, cur.String())
}

func appendStatement(out []string, stmt string) []string {
	for line := range strings.Lines(stmt) {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "--") {
			return append(out, strings.TrimSpace(stmt))
		}
	}
	return out
}

// migrate applies the missing migrations numbered up to last in one
// transaction, under an advisory lock on PostgreSQL (SQLite's write lock,
// taken at BEGIN, does the same there). Open applies them all; tests stop
// earlier to build a database as an older version left it.
func (s *Store) migrate(ctx context.Context, last int64) error {
	ms, err := loadMigrations(migrations)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		if s.d.name == postgresName {
			if _, err := c.exec(ctx, "SELECT pg_advisory_xact_lock(?)", int64(migrationLock)); err != nil {
				return fmt.Errorf("lock migrations: %w", err)
			}
		}
		if _, err := c.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		done, err := appliedMigrations(ctx, c)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if done[m.version] || m.version > last {
				continue
			}
			if err := s.apply(ctx, c, m); err != nil {
				return err
			}
		}
		return nil
	})
}

func appliedMigrations(ctx context.Context, c conn) (map[int64]bool, error) {
	rows, err := c.query(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	done := map[int64]bool{}
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("read schema_migrations: %w", err)
		}
		done[v] = true
	}
	return done, rows.Err()
}

func (s *Store) apply(ctx context.Context, c conn, m migration) error {
	for i, stmt := range statements(m.body) {
		if _, err := c.exec(ctx, stmt); err != nil {
			return fmt.Errorf("migration %s, statement %d: %w", m.name, i+1, err)
		}
	}
	_, err := c.exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
		m.version, m.name, toDB(s.nowTime()))
	if err != nil {
		return fmt.Errorf("record migration %s: %w", m.name, err)
	}
	return nil
}
