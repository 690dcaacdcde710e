package testbed

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestPostgres checks that each call gets its own, empty, writable
// database on a running server.
func TestPostgres(t *testing.T) {
	a, b := Postgres(t), Postgres(t)
	if a == b {
		t.Fatalf("two calls returned the same database %s", a)
	}
	ctx := context.Background()
	for _, dsn := range []string{a, b} {
		conn, err := pgconn.Connect(ctx, dsn)
		if err != nil {
			t.Fatalf("connect %s: %v", dsn, err)
		}
		res, err := conn.Exec(ctx, "CREATE TABLE t (x int); INSERT INTO t VALUES (1); SELECT count(*) FROM t; SELECT current_database()").ReadAll()
		conn.Close(ctx)
		if err != nil {
			t.Fatalf("%s: %v", dsn, err)
		}
		if got := string(res[2].Rows[0][0]); got != "1" {
			t.Errorf("%s: count = %s, want 1 (the database was not empty)", dsn, got)
		}
		t.Logf("%s is database %s", dsn, res[3].Rows[0][0])
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	StopPostgres()
	os.Exit(code)
}
