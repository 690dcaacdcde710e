package server

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Sealer encrypts registry credentials at rest with AES-256-GCM. The key
// comes from $BULWARK_SECRET_KEY or a key file (base64 of 32 bytes); when
// neither exists, one is generated into the data directory (mode 0600).
type Sealer struct{ aead cipher.AEAD }

// LoadSealer reads the key from env (when set), else keyFile, creating
// keyFile with a new random key when create is true and it is missing.
func LoadSealer(env, keyFile string, create bool) (*Sealer, error) {
	raw := strings.TrimSpace(env)
	if raw == "" {
		b, err := os.ReadFile(keyFile)
		switch {
		case err == nil:
			raw = strings.TrimSpace(string(b))
		case errors.Is(err, os.ErrNotExist) && create:
			key := make([]byte, 32)
			if _, err := rand.Read(key); err != nil {
				return nil, err
			}
			raw = base64.StdEncoding.EncodeToString(key)
			if err := os.MkdirAll(filepath.Dir(keyFile), 0o700); err != nil {
				return nil, fmt.Errorf("secret key: %w", err)
			}
			if err := os.WriteFile(keyFile, []byte(raw+"\n"), 0o600); err != nil {
				return nil, fmt.Errorf("secret key: %w", err)
			}
		default:
			return nil, fmt.Errorf("secret key %s: %w", keyFile, err)
		}
	}
	key, err := base64.StdEncoding.DecodeString(raw)
	if err != nil || len(key) != 32 {
		return nil, errors.New("secret key: want the base64 of 32 random bytes (openssl rand -base64 32)")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plain; an empty secret stays nil.
func (s *Sealer) Seal(plain string) ([]byte, error) {
	if plain == "" {
		return nil, nil
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return s.aead.Seal(nonce, nonce, []byte(plain), nil), nil
}

// Open decrypts what Seal wrote.
func (s *Sealer) Open(sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("sealed secret too short")
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return "", errors.New("cannot decrypt a stored secret: wrong secret key?")
	}
	return string(plain), nil
}
