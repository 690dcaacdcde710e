package store

import (
	"context"
	"fmt"
	"time"
)

// Token is an API token. Only the SHA-256 of its secret is stored.
type Token struct {
	ID        int64
	Name      string
	Role      string // "admin" or "reader"
	Hash      []byte // sha256 of the secret, computed by the caller
	CreatedAt time.Time
	LastUsed  time.Time
}

const tokenCols = "id, name, role, hash, created_at, last_used"

// lastUsedEvery is how stale LastUsed may get: TokenByHash writes it at
// most this often, so authenticating requests rarely writes.
const lastUsedEvery = time.Minute

// CreateToken stores t, setting its ID and CreatedAt; ErrConflict when its
// hash is taken.
func (s *Store) CreateToken(ctx context.Context, t *Token) error {
	created := s.nowTime()
	err := s.writer().row(ctx, "INSERT INTO tokens (name, role, hash, created_at, last_used) VALUES (?, ?, ?, ?, ?) RETURNING id",
		t.Name, t.Role, t.Hash, toDB(created), toDB(t.LastUsed)).Scan(&t.ID)
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

// DeleteToken removes a token; ErrNotFound when there is none.
func (s *Store) DeleteToken(ctx context.Context, id int64) error {
	if err := execOne(ctx, s.writer(), "DELETE FROM tokens WHERE id = ?", id); err != nil {
		return fmt.Errorf("delete token %d: %w", id, err)
	}
	return nil
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
	var created, used int64
	if err := sc.Scan(&t.ID, &t.Name, &t.Role, &t.Hash, &created, &used); err != nil {
		return err
	}
	t.CreatedAt, t.LastUsed = fromDB(created), fromDB(used)
	return nil
}
