package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/bulwarksec/bulwark/internal/store"
)

// Roles of API tokens: admin may do anything, reader only read, and
// ingest only deliver registry notifications (the least a registry needs).
const (
	RoleAdmin  = "admin"
	RoleReader = "reader"
	RoleIngest = "ingest"
)

// NewToken returns a new secret token and the hash that is stored.
func NewToken() (secret string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	secret = "bwk_" + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashToken(secret), nil
}

// HashToken is what the store keeps of a token: its SHA-256 (tokens are
// 256 random bits, so a fast hash is enough).
func HashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

type ctxKey int

const tokenKey ctxKey = 0

// caller is the token a request came with.
func caller(ctx context.Context) *store.Token {
	t, _ := ctx.Value(tokenKey).(*store.Token)
	return t
}

// bearer reads the token of a request: the Authorization header, or for
// registry notification endpoints (registries cannot always set headers)
// the "token" query parameter; fromQuery says which.
func bearer(r *http.Request, queryOK bool) (secret string, fromQuery bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t), false
		}
	}
	if queryOK {
		return r.URL.Query().Get("token"), true
	}
	return "", false
}

// authenticate wraps h: it needs a valid token, and an admin token for
// anything but reads. Event endpoints (events true) take admin and ingest
// tokens, also from the query string; other endpoints refuse ingest tokens.
func (s *Server) authenticate(h http.Handler, events bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret, fromQuery := bearer(r, events)
		if secret == "" {
			writeError(w, http.StatusUnauthorized, "an API token is required (Authorization: Bearer TOKEN)")
			return
		}
		t, err := s.store.TokenByHash(r.Context(), HashToken(secret))
		if errors.Is(err, store.ErrNotFound) {
			writeError(w, http.StatusUnauthorized, "unknown or revoked API token")
			return
		}
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		if !t.ExpiresAt.IsZero() && !time.Now().Before(t.ExpiresAt) {
			writeError(w, http.StatusUnauthorized, "this API token has expired")
			return
		}
		// Ingest tokens sit in registry configurations: the likeliest to
		// leak, so each may only trickle.
		if t.Role == RoleIngest {
			if ok, wait := s.limiter.allow(t.ID); !ok {
				s.metrics.throttled.Inc()
				tooMany(w, wait, "too many requests with this token: slow down")
				return
			}
		}
		switch {
		case fromQuery && t.Role != RoleIngest:
			// A URL ends up in logs and proxies: only the weakest token
			// may travel in one.
			writeError(w, http.StatusUnauthorized, "only ingest tokens may be given in the query string; send this one as Authorization: Bearer TOKEN")
			return
		case events && t.Role != RoleAdmin && t.Role != RoleIngest:
			writeError(w, http.StatusForbidden, "notifications need an ingest or admin token")
			return
		case !events && t.Role == RoleIngest:
			writeError(w, http.StatusForbidden, "an ingest token can only deliver registry notifications")
			return
		case !events && r.Method != http.MethodGet && r.Method != http.MethodHead && t.Role != RoleAdmin:
			writeError(w, http.StatusForbidden, "this token is read-only (role reader)")
			return
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tokenKey, t)))
	})
}

// InitialToken creates the first admin token when there is none and
// returns its secret (once); "" when tokens exist.
func (s *Server) InitialToken(ctx context.Context) (string, error) {
	n, err := s.store.CountTokens(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	return CreateToken(ctx, s.store, &store.Token{Name: "initial-admin", Role: RoleAdmin})
}

// CreateToken stores t with a new secret's hash and returns the secret
// (shown once). `bulwark token create` uses it offline, on the data
// directory, to recover from a lost admin token.
func CreateToken(ctx context.Context, st *store.Store, t *store.Token) (string, error) {
	secret, hash, err := NewToken()
	if err != nil {
		return "", err
	}
	t.Hash = hash
	if err := st.CreateToken(ctx, t); err != nil {
		return "", err
	}
	return secret, nil
}
