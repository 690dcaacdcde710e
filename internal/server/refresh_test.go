package server

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/testbed"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// mirror serves vulndata's real crates.io OSV export as OSV's bucket lays
// it out, or garbage when told to, and counts requests.
type mirror struct {
	zip      []byte
	garbage  atomic.Bool
	requests atomic.Int32
}

func (m *mirror) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.requests.Add(1)
	if r.URL.Path != "/crates.io/all.zip" {
		http.NotFound(w, r)
		return
	}
	if m.garbage.Load() {
		w.Write([]byte("PK\x03\x04 this is not a zip"))
		return
	}
	w.Write(m.zip)
}

func newMirror(t *testing.T) (*mirror, vulndb.Sources) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testbed.Vulndata(t), "crates.io", "all.zip"))
	if err != nil {
		t.Fatal(err)
	}
	m := &mirror{zip: b}
	hs := httptest.NewServer(m)
	t.Cleanup(hs.Close)
	return m, vulndb.Sources{OSVBase: hs.URL, Ecosystems: []string{"crates.io"}}
}

func dbBuilt(t *testing.T, dir string) time.Time {
	t.Helper()
	db, err := vulndb.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Meta().Advisories["crates.io"] == 0 {
		t.Fatalf("no crates.io advisories: %+v", db.Meta())
	}
	return db.Meta().Built
}

// TestRefreshFromMirror: the server downloads the data when due and not
// before; a mirror serving garbage leaves the previous database in use
// and is retried sooner; a mirror with nothing new leaves the database as
// it is; while another replica holds the lease, nothing is downloaded.
func TestRefreshFromMirror(t *testing.T) {
	f := newFixture(t)
	m, src := newMirror(t)
	f.srv.opts.DataRefresh, f.srv.opts.DataSources = 6*time.Hour, src
	ctx := context.Background()
	now := time.Now()
	dbDir := f.srv.opts.DBDir

	if err := f.srv.refreshIfDue(ctx, now); err != nil {
		t.Fatal(err)
	}
	built := dbBuilt(t, dbDir)
	steps := []struct {
		name     string
		after    time.Duration
		garbage  bool
		wantErr  bool
		requests int32
	}{
		{"fresh: not due", time.Hour, false, false, 1},
		{"due: the mirror serves garbage", 7 * time.Hour, true, true, 2},
		{"failed: not retried at once", 7*time.Hour + time.Minute, false, false, 2},
		{"failed: retried after the retry delay", 7*time.Hour + refreshRetry, false, false, 3},
	}
	for _, st := range steps {
		m.garbage.Store(st.garbage)
		err := f.srv.refreshIfDue(ctx, now.Add(st.after))
		if (err != nil) != st.wantErr || m.requests.Load() != st.requests {
			t.Fatalf("%s: err = %v, requests %d (want %d)", st.name, err, m.requests.Load(), st.requests)
		}
		if st.garbage && !dbBuilt(t, dbDir).Equal(built) {
			t.Fatalf("%s: the database was replaced", st.name)
		}
	}
	// The mirror had nothing new: the database stays (no re-match of
	// every image), and is known current as of the retry.
	if !dbBuilt(t, dbDir).Equal(built) {
		t.Fatal("a refresh that found nothing new rebuilt the database")
	}
	if at, err := f.srv.settingTime(ctx, settingCurrentAt); err != nil || !at.Equal(now.Add(7*time.Hour+refreshRetry).UTC()) {
		t.Fatalf("data known current at %v (%v), want the retry's time", at, err)
	}

	// Another replica holds the lease: this one waits.
	if ok, err := f.st.TryLease(ctx, refreshLease, "other-replica", time.Hour); err != nil || !ok {
		t.Fatalf("lease: %v %v", ok, err)
	}
	if err := f.srv.refreshIfDue(ctx, now.Add(30*time.Hour)); err != nil || m.requests.Load() != 3 {
		t.Fatalf("refreshed while another replica held the lease: %v, %d requests", err, m.requests.Load())
	}
}

// TestRefreshOffline: with DataRefresh 0 (--offline) nothing is fetched.
func TestRefreshOffline(t *testing.T) {
	f := newFixture(t)
	m, src := newMirror(t)
	f.srv.opts.DataSources = src
	if err := f.srv.refreshIfDue(context.Background(), time.Now()); err != nil || m.requests.Load() != 0 {
		t.Fatalf("offline refresh: %v, %d requests", err, m.requests.Load())
	}
}

// TestServeRefreshesOnItsOwn: a running server with no data downloads it
// from the mirror by itself and becomes ready.
func TestServeRefreshesOnItsOwn(t *testing.T) {
	f := newFixture(t)
	_, src := newMirror(t)
	f.srv.opts.DataRefresh, f.srv.opts.DataSources, f.srv.opts.Tick = time.Hour, src, 50*time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.srv.Run(ctx, ln, "", "") }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	url := "http://" + ln.Addr().String() + "/readyz"
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready after 20s: %v\n%s", err, f.logs)
		}
	}
}
