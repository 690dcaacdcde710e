package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/server"
	"github.com/bulwarksec/bulwark/internal/store"
)

// TestTokenCreateRecovers: `bulwark token create` writes a working admin
// token into the server's database without the server (the way back in
// after every admin token is lost), and refuses bad requests as usage
// errors.
func TestTokenCreateRecovers(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	out := runToken(t, nil, "token", "create", "--data-dir", dir, "--name", "rescue")
	secret := strings.TrimSpace(out)
	st, err := store.Open(context.Background(), filepath.Join(dir, "bulwark.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tok, err := st.TokenByHash(context.Background(), server.HashToken(secret))
	if err != nil || tok.Role != server.RoleAdmin || tok.Name != "rescue" {
		t.Fatalf("the printed token %q is not a stored admin token: %+v, %v", secret, tok, err)
	}
	if info, _ := os.Stat(dir); info.Mode().Perm() != 0o700 {
		t.Errorf("data directory made with mode %04o, want 0700", info.Mode().Perm())
	}
	var usage usageError
	runToken(t, &usage, "token", "create", "--data-dir", dir, "--role", "root")
	runToken(t, &usage, "token", "create", "--data-dir", dir, "--role", "ingest")
}

// runToken runs the CLI in-process; with wantErr it expects an error of
// that type, else success, and returns standard output.
func runToken(t *testing.T, wantErr *usageError, args ...string) string {
	t.Helper()
	r, w, _ := os.Pipe()
	stdout := os.Stdout
	os.Stdout = w
	cmd := newRootCommand()
	cmd.SetArgs(args)
	cmd.SetErr(io.Discard)
	err := cmd.ExecuteContext(context.Background())
	os.Stdout = stdout
	w.Close()
	var buf bytes.Buffer
	io.Copy(&buf, r)
	if wantErr != nil {
		if !errors.As(err, wantErr) {
			t.Errorf("bulwark %s: %v, want a usage error", strings.Join(args, " "), err)
		}
		return buf.String()
	}
	if err != nil {
		t.Fatalf("bulwark %s: %v", strings.Join(args, " "), err)
	}
	return buf.String()
}
