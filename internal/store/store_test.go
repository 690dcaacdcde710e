package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testbed.StopPostgres()
	os.Exit(code)
}

// TestSQLite runs the suite on SQLite files.
func TestSQLite(t *testing.T) {
	runSuite(t, func(t *testing.T) *Store {
		return openTest(t, filepath.Join(t.TempDir(), "db", "bulwark.db"))
	})
}

// TestPostgres runs the suite on a real PostgreSQL, one database per test.
func TestPostgres(t *testing.T) {
	testbed.Postgres(t) // skips the whole suite when PostgreSQL is absent
	runSuite(t, func(t *testing.T) *Store {
		return openTest(t, testbed.Postgres(t))
	})
}

// runSuite runs every test of the store against the backend open returns.
func runSuite(t *testing.T, open func(t *testing.T) *Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open func(t *testing.T) *Store)
	}{
		{"Migrations", testMigrations},
		{"Registries", testRegistries},
		{"DeleteRegistryCascades", testDeleteRegistryCascades},
		{"UpsertImage", testUpsertImage},
		{"UpsertConcurrent", testUpsertConcurrent},
		{"RecordPull", testRecordPull},
		{"ListImages", testListImages},
		{"ListImagesModel", testListImagesModel},
		{"MarkDeleted", testMarkDeleted},
		{"ImageByReference", testImageByReference},
		{"DueForRescan", testDueForRescan},
		{"SaveScan", testSaveScan},
		{"SaveScanAtomic", testSaveScanAtomic},
		{"EachSBOM", testEachSBOM},
		{"SaveSBOM", testSaveSBOM},
		{"Findings", testFindings},
		{"Totals", testTotals},
		{"History", testHistory},
		{"SaveEvents", testSaveEvents},
		{"SaveEventsAtomic", testSaveEventsAtomic},
		{"Enqueue", testEnqueue},
		{"ClaimOrder", testClaimOrder},
		{"LeaseExpiry", testLeaseExpiry},
		{"Fail", testFail},
		{"ClaimConcurrent", testClaimConcurrent},
		{"Tokens", testTokens},
		{"Alerts", testAlerts},
		{"ListAlerts", testListAlerts},
		{"Exemptions", testExemptions},
		{"FindingRules", testFindingRules},
		{"Settings", testSettings},
		{"Lease", testLease},
		{"LeaseConcurrent", testLeaseConcurrent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open) })
	}
}

// openTest opens dsn with a fake clock and closes it at the end.
func openTest(t testing.TB, dsn string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open(%s): %v", dsn, err)
	}
	s.now = newClock().Now
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// reopen opens a second Store on s's database, sharing its clock.
func reopen(t testing.TB, s *Store) *Store {
	t.Helper()
	s2 := openTest(t, s.dsn)
	s2.now = s.now
	return s2
}

// t0 is the fake clock's start.
var t0 = time.Date(2025, 3, 4, 5, 6, 7, 123456000, time.UTC)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// withClock gives s (and the stores sharing it) a clock the test moves.
func withClock(s *Store, others ...*Store) *clock {
	c := newClock()
	for _, x := range append(others, s) {
		x.now = c.Now
	}
	return c
}

var ctx = context.Background()

// must fails the test on err.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t testing.TB, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: err = %v, want %v", what, err, target)
	}
}

func deepEqual(t testing.TB, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// mkRegistry creates a registry named name with host name+":5000".
func mkRegistry(t testing.TB, s *Store, name string) *Registry {
	t.Helper()
	r := &Registry{Name: name, URL: "http://" + name + ":5000", Host: name + ":5000"}
	must(t, s.CreateRegistry(ctx, r))
	return r
}

func mkImage(t testing.TB, s *Store, reg int64, repo, digest, tag string, at time.Time) int64 {
	t.Helper()
	id, _, err := s.UpsertImage(ctx, reg, repo, digest, tag, at, false)
	must(t, err)
	return id
}

func getImage(t testing.TB, s *Store, id int64) *Image {
	t.Helper()
	im, err := s.Image(ctx, id)
	must(t, err)
	return im
}

// count runs a COUNT query on the writer.
func count(t testing.TB, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	must(t, s.writer().row(ctx, query, args...).Scan(&n))
	return n
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func contextWithCancel() (context.Context, context.CancelFunc) { return context.WithCancel(ctx) }

// TestPrivateFiles: the SQLite database and its WAL files are readable by
// their owner only, and a data directory open to others is tightened.
func TestPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := PrivateDir(dir); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(dir); info.Mode().Perm() != 0o700 {
		t.Errorf("data directory mode %04o after PrivateDir, want 0700", info.Mode().Perm())
	}
	path := filepath.Join(dir, "bulwark.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	must(t, s.SetSetting(ctx, "k", "v")) // a write, so that the WAL exists
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %04o, want 0600", filepath.Base(p), info.Mode().Perm())
		}
	}
	if err := PrivateDir(path); err == nil {
		t.Error("PrivateDir accepted a file")
	}
}
