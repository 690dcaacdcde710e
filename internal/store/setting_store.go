package store

import (
	"context"
	"errors"
	"fmt"
)

// Setting returns the value of a small piece of server state (e.g.
// "vulndb.updated", "install.id"); "" when unset.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.reader().row(ctx, "SELECT value FROM settings WHERE name = ?", key).Scan(&v)
	if err != nil && !errors.Is(notFound(err), ErrNotFound) {
		return "", fmt.Errorf("setting %q: %w", key, err)
	}
	return v, nil
}

// SetSetting stores value under key.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.writer().exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("set setting %q: %w", key, err)
	}
	return nil
}
