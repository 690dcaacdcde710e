package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Token is an API token. Only the SHA-256 of its secret is stored.
type Token struct {
	ID   int64
	Name string
	Role string // "admin", "reader" or "ingest"
	Hash []byte // sha256 of the secret, computed by the caller
	// RegistryID binds an ingest token to the one registry whose
	// notifications it may deliver (0: not bound).
	RegistryID int64
	// ExpiresAt is when the token stops working (zero: never).
	ExpiresAt time.Time
	CreatedAt time.Time
	LastUsed  time.Time
}

const tokenCols = "id, name, role, hash, registry_id, expires_at, created_at, last_used"

// lastUsedEvery is how stale LastUsed may get: TokenByHash writes it at
// most this often, so authenticating requests rarely writes.
const lastUsedEvery = time.Minute

// CreateToken stores t, setting its ID and CreatedAt; ErrConflict when its
// hash is taken.
func (s *Store) CreateToken(ctx context.Context, t *Token) error {
	created := s.nowTime()
	err := s.writer().row(ctx, "INSERT INTO tokens (name, role, hash, registry_id, expires_at, created_at, last_used) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		t.Name, t.Role, t.Hash, t.RegistryID, toDB(t.ExpiresAt), toDB(created), toDB(t.LastUsed)).Scan(&t.ID)
	if isConflict(err) {
		err = ErrConflict
	}
	if err != nil {
		return fmt.Errorf("create token %q: %w", t.Name, err)
	}
	t.CreatedAt = created
	return nil
}

// TokenByHash finds the token whose secret hashes to hash (ErrNotFound
// when none does) and records its use, at most once a minute.
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (*Token, error) {
	var t Token
	if err := scanToken(s.reader().row(ctx, "SELECT "+tokenCols+" FROM tokens WHERE hash = ?", hash), &t); err != nil {
		return nil, fmt.Errorf("token by hash: %w", notFound(err))
	}
	now := s.nowTime()
	if now.Sub(t.LastUsed) < lastUsedEvery {
		return &t, nil
	}
	_, err := s.writer().exec(ctx, "UPDATE tokens SET last_used = ? WHERE id = ? AND last_used < ?",
		toDB(now), t.ID, toDB(now.Add(-lastUsedEvery)))
	if err != nil {
		return nil, fmt.Errorf("token %d: record use: %w", t.ID, err)
	}
	t.LastUsed = now
	return &t, nil
}

// Tokens lists all tokens by ID.
func (s *Store) Tokens(ctx context.Context) ([]Token, error) {
	rows, err := s.reader().query(ctx, "SELECT "+tokenCols+" FROM tokens ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		if err := scanToken(rows, &t); err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// ErrLastAdmin is returned (wrapped) by DeleteToken when the token is
// the last admin token that has not expired: without it nobody could
// manage the server.
var ErrLastAdmin = errors.New("the last admin token cannot be deleted")

// DeleteToken removes a token; ErrNotFound when there is none,
// ErrLastAdmin when it is the last working admin token.
func (s *Store) DeleteToken(ctx context.Context, id int64) error {
	err := s.tx(ctx, func(c conn) error {
		var role string
		if err := c.row(ctx, "SELECT role FROM tokens WHERE id = ? {{forupdate}}", id).Scan(&role); err != nil {
			return notFound(err)
		}
		if role == "admin" {
			if err := lockAdmins(ctx, c); err != nil {
				return err
			}
			var others int
			err := c.row(ctx, "SELECT COUNT(*) FROM tokens WHERE role = 'admin' AND id <> ? AND (expires_at = 0 OR expires_at > ?)",
				id, toDB(s.nowTime())).Scan(&others)
			if err != nil {
				return err
			}
			if others == 0 {
				return ErrLastAdmin
			}
		}
		return execOne(ctx, c, "DELETE FROM tokens WHERE id = ?", id)
	})
	if err != nil {
		return fmt.Errorf("delete token %d: %w", id, err)
	}
	return nil
}

// lockAdmins serialises deletions of admin tokens on PostgreSQL (two
// concurrent deletions of the last two would each see the other); SQLite
// has one writer.
func lockAdmins(ctx context.Context, c conn) error {
	if c.d.name != postgresName {
		return nil
	}
	_, err := c.exec(ctx, "SELECT pg_advisory_xact_lock(?, 1)", int32(repoLockSpace))
	return err
}

// CountTokens counts the tokens.
func (s *Store) CountTokens(ctx context.Context) (int, error) {
	var n int
	if err := s.reader().row(ctx, "SELECT COUNT(*) FROM tokens").Scan(&n); err != nil {
		return 0, fmt.Errorf("count tokens: %w", err)
	}
	return n, nil
}

func scanToken(sc scanner, t *Token) error {
	var expires, created, used int64
	if err := sc.Scan(&t.ID, &t.Name, &t.Role, &t.Hash, &t.RegistryID, &expires, &created, &used); err != nil {
		return err
	}
	t.ExpiresAt, t.CreatedAt, t.LastUsed = fromDB(expires), fromDB(created), fromDB(used)
	return nil
}
