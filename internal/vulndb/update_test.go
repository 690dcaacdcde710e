package vulndb

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"github.com/bulwarksec/bulwark/internal/testbed"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// feedServer serves vulndata's OSV exports as OSV's bucket lays them out
// (<Ecosystem>/all.zip), with ETag, Last-Modified and x-goog-hash, and
// counts full downloads.
type feedServer struct {
	root      string
	downloads atomic.Int32
	corrupt   atomic.Bool // send a wrong MD5
	cut       atomic.Bool // send half the body
}

func (s *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := filepath.Join(s.root, filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/")))
	b, err := os.ReadFile(p)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	sum := md5.Sum(b)
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:]) + `"`
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	s.downloads.Add(1)
	md := base64.StdEncoding.EncodeToString(sum[:])
	if s.corrupt.Load() {
		md = base64.StdEncoding.EncodeToString(make([]byte, 16))
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("X-Goog-Hash", "crc32c=AAAAAA==,md5="+md)
	if s.cut.Load() {
		w.Header().Set("Content-Length", "999999999")
		w.Write(b[:len(b)/2])
		return
	}
	w.Write(b)
}

func TestUpdateFromLocalMirror(t *testing.T) {
	vd := testbed.Vulndata(t)
	srv := &feedServer{root: vd}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	dir := t.TempDir()
	ctx := context.Background()
	feeds := OSVFeeds(hs.URL, []string{"Go", "crates.io"})

	res, err := Update(ctx, dir, UpdateOptions{Feeds: feeds})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Status != "downloaded" || res[0].Import.Records+res[0].Import.Withdrawn+res[0].Import.Bad != 4291 {
		t.Fatalf("first update: %+v", res[0])
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := db.Meta()
	db.Close()
	if m.Advisories["Go"] == 0 || m.Advisories["crates.io"] == 0 || m.Sources["osv:Go"].ETag == "" {
		t.Fatalf("meta after update: %+v", m)
	}

	// Unchanged feeds are not downloaded again, and the database is not
	// rebuilt (servers would re-match every image for nothing).
	before := srv.downloads.Load()
	first, err := os.Stat(Path(dir))
	if err != nil {
		t.Fatal(err)
	}
	res, err = Update(ctx, dir, UpdateOptions{Feeds: feeds})
	if err != nil {
		t.Fatal(err)
	}
	if srv.downloads.Load() != before || !Unchanged(res) {
		t.Fatalf("second update downloaded again: %d -> %d, %+v", before, srv.downloads.Load(), res[0])
	}
	if again, err := os.Stat(Path(dir)); err != nil || !os.SameFile(first, again) {
		t.Fatalf("an update with nothing new replaced the database (%v)", err)
	}
	// One feed fewer is a change.
	if res, err := Update(ctx, dir, UpdateOptions{Feeds: feeds[:1]}); err != nil || Unchanged(res) {
		t.Fatalf("an update with a feed dropped: %v, unchanged %v", err, Unchanged(res))
	}
	if _, err := Update(ctx, dir, UpdateOptions{Feeds: feeds}); err != nil {
		t.Fatal(err)
	}

	// A failed download (bad checksum, truncated body, missing feed)
	// leaves the database as it was.
	live, _ := os.ReadFile(Path(dir))
	os.Remove(feedCachePath(filepath.Join(dir, "sources"), feeds[0])) // force a download
	for name, setup := range map[string]func(){
		"checksum":  func() { srv.corrupt.Store(true) },
		"truncated": func() { srv.corrupt.Store(false); srv.cut.Store(true) },
	} {
		setup()
		if _, err := Update(ctx, dir, UpdateOptions{Feeds: feeds}); err == nil || !strings.Contains(err.Error(), "unchanged") {
			t.Fatalf("%s: err = %v, want a failure that keeps the database", name, err)
		}
		now, _ := os.ReadFile(Path(dir))
		if string(now) != string(live) {
			t.Fatalf("%s: database changed after a failed update", name)
		}
	}
	srv.cut.Store(false)
	if _, err := Update(ctx, dir, UpdateOptions{Feeds: OSVFeeds(hs.URL, []string{"NoSuchEcosystem"})}); err == nil {
		t.Fatal("missing feed: no error")
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".vulndb-*"))
	left2, _ := filepath.Glob(filepath.Join(dir, "sources", ".download-*"))
	if len(left)+len(left2) != 0 {
		t.Fatalf("temporary files left: %v %v", left, left2)
	}
}

// TestImportEveryVulndataSet imports all of ../shared/vulndata and checks
// the counts against the README's.
func TestImportEveryVulndataSet(t *testing.T) {
	vd := testbed.Vulndata(t)
	dir := t.TempDir()
	sets := map[string]int{"Go": 4291, "crates.io": 1206, "PyPI": 2661, "AlmaLinux": 5637, "Bitnami": 7444}
	var paths []string
	for s := range sets {
		paths = append(paths, filepath.Join(vd, s, "all.zip"))
	}
	paths = append(paths, filepath.Join(vd, "debian"), filepath.Join(vd, "alpine"), filepath.Join(vd, "nvd"))
	stats, err := ImportFiles(context.Background(), dir, paths)
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for range sets {
		st := stats[i]
		name := filepath.Base(filepath.Dir(paths[i]))
		if got := st.Records + st.Withdrawn + st.Bad; got != sets[name] {
			t.Errorf("%s: %d records + %d withdrawn + %d bad, the README says %d", name, st.Records, st.Withdrawn, st.Bad, sets[name])
		}
		i++
	}
	if deb := stats[len(sets)]; deb.Records != 5406+3534 {
		t.Errorf("debian: %d advisories, want 5406 DSA + 3534 DLA", deb.Records)
	}
	info, _ := os.Stat(Path(dir))
	t.Logf("all of vulndata: %.1f MiB", float64(info.Size())/(1<<20))
}
