package store

import (
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

// testMigrations opens the database again, alone and four times at once,
// and checks each migration was applied exactly once.
func testMigrations(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	ms, err := loadMigrations(migrations)
	must(t, err)
	if len(ms) == 0 {
		t.Fatal("no embedded migrations")
	}
	reopen(t, s)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			s2, err := Open(ctx, s.dsn)
			if err == nil {
				err = s2.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("concurrent Open %d: %v", i, err)
		}
	}
	if n := count(t, s, "SELECT COUNT(*) FROM schema_migrations"); n != len(ms) {
		t.Errorf("schema_migrations has %d rows, want %d", n, len(ms))
	}
	for _, m := range ms {
		if n := count(t, s, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.version); n != 1 {
			t.Errorf("migration %s recorded %d times", m.name, n)
		}
	}
	// The store still works after the reopenings.
	mkRegistry(t, s, "after")
}

func TestStatements(t *testing.T) {
	tests := []struct {
		body string
		want []string
	}{
		{"", nil},
		{"-- only a comment\n", nil},
		{"CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n", []string{"CREATE TABLE a (x INT);", "CREATE TABLE b (y INT);"}},
		{"-- about a\nCREATE TABLE a (\n\tx INT -- no; split here\n);\n", []string{"-- about a\nCREATE TABLE a (\n\tx INT -- no; split here\n);"}},
		{"CREATE TABLE a (x INT);  \r\n-- trailing\n", []string{"CREATE TABLE a (x INT);"}},
		{"CREATE TABLE a (x INT)", []string{"CREATE TABLE a (x INT)"}},
	}
	for _, tt := range tests {
		deepEqual(t, "statements("+strings.ReplaceAll(tt.body, "\n", `\n`)+")", statements(tt.body), tt.want)
	}
}

func TestLoadMigrations(t *testing.T) {
	tests := []struct {
		name    string
		files   []string
		want    []int64
		wantErr string
	}{
		{"ordered by number", []string{"0002_b.sql", "0010_c.sql", "0001_a.sql"}, []int64{1, 2, 10}, ""},
		{"duplicate number", []string{"0001_a.sql", "1_b.sql"}, nil, "share a number"},
		{"no number", []string{"init.sql"}, nil, "NNNN_what.sql"},
		{"zero", []string{"0000_a.sql"}, nil, "NNNN_what.sql"},
	}
	for _, tt := range tests {
		fsys := fstest.MapFS{}
		for _, f := range tt.files {
			fsys["migrations/"+f] = &fstest.MapFile{Data: []byte("SELECT 1;\n")}
		}
		ms, err := loadMigrations(fsys)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err = %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		must(t, err)
		var got []int64
		for _, m := range ms {
			got = append(got, m.version)
		}
		deepEqual(t, tt.name, got, tt.want)
	}
}
