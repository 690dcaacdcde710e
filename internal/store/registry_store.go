package store

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Registry is a container registry the server watches. Secret is already
// encrypted by the caller; the store keeps the bytes and never logs them.
type Registry struct {
	ID        int64
	Name      string // unique
	URL       string // e.g. "http://127.0.0.1:5099" or "https://registry.example.com"
	Host      string // host[:port] as image references spell it, e.g. "127.0.0.1:5099"; unique
	Username  string
	Secret    []byte // encrypted password or token, nil when none
	Insecure  bool
	CreatedAt time.Time
	SyncedAt  time.Time // last catalog sync (zero: never)
	SyncError string
}

const registryCols = "id, name, url, host, username, secret, insecure, created_at, synced_at, sync_error"

// CreateRegistry adds r, setting its ID and CreatedAt; ErrConflict when its
// name or host is taken.
func (s *Store) CreateRegistry(ctx context.Context, r *Registry) error {
	created := s.nowTime()
	err := s.writer().row(ctx, `INSERT INTO registries (name, url, host, username, secret, insecure, created_at, synced_at, sync_error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.Name, r.URL, r.Host, r.Username, nullBytes(r.Secret), r.Insecure, toDB(created), toDB(r.SyncedAt), r.SyncError).Scan(&r.ID)
	if isConflict(err) {
		return fmt.Errorf("create registry %q (%s): %w", r.Name, r.Host, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create registry %q: %w", r.Name, err)
	}
	r.CreatedAt = created
	return nil
}

// Registries lists all registries by ID.
func (s *Store) Registries(ctx context.Context) ([]Registry, error) {
	rows, err := s.reader().query(ctx, "SELECT "+registryCols+" FROM registries ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list registries: %w", err)
	}
	defer rows.Close()
	var out []Registry
	for rows.Next() {
		var r Registry
		if err := scanRegistry(rows, &r); err != nil {
			return nil, fmt.Errorf("list registries: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list registries: %w", err)
	}
	return out, nil
}

// Registry returns one registry; ErrNotFound when there is none.
func (s *Store) Registry(ctx context.Context, id int64) (*Registry, error) {
	var r Registry
	err := scanRegistry(s.reader().row(ctx, "SELECT "+registryCols+" FROM registries WHERE id = ?", id), &r)
	if err != nil {
		return nil, fmt.Errorf("registry %d: %w", id, notFound(err))
	}
	return &r, nil
}

// RegistryByHost returns the registry images spell as host; ErrNotFound
// when there is none.
func (s *Store) RegistryByHost(ctx context.Context, host string) (*Registry, error) {
	var r Registry
	err := scanRegistry(s.reader().row(ctx, "SELECT "+registryCols+" FROM registries WHERE host = ?", host), &r)
	if err != nil {
		return nil, fmt.Errorf("registry %q: %w", host, notFound(err))
	}
	return &r, nil
}

// DeleteRegistry removes a registry with its images, their scans and jobs,
// its events and its sync jobs.
func (s *Store) DeleteRegistry(ctx context.Context, id int64) error {
	err := s.tx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, "DELETE FROM jobs WHERE kind = 'sync' AND ref = ?", strconv.FormatInt(id, 10)); err != nil {
			return err
		}
		return execOne(ctx, c, "DELETE FROM registries WHERE id = ?", id)
	})
	if err != nil {
		return fmt.Errorf("delete registry %d: %w", id, err)
	}
	return nil
}

// SetRegistrySync records the outcome of a catalog sync.
func (s *Store) SetRegistrySync(ctx context.Context, id int64, at time.Time, syncErr string) error {
	err := execOne(ctx, s.writer(), "UPDATE registries SET synced_at = ?, sync_error = ? WHERE id = ?", toDB(at), syncErr, id)
	if err != nil {
		return fmt.Errorf("set sync of registry %d: %w", id, err)
	}
	return nil
}

func scanRegistry(sc scanner, r *Registry) error {
	var created, synced int64
	if err := sc.Scan(&r.ID, &r.Name, &r.URL, &r.Host, &r.Username, &r.Secret, &r.Insecure, &created, &synced, &r.SyncError); err != nil {
		return err
	}
	r.CreatedAt, r.SyncedAt = fromDB(created), fromDB(synced)
	return nil
}

// nullBytes stores a nil slice as NULL, so it reads back as nil.
func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}
