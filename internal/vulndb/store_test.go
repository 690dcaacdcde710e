package vulndb

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// readZipOSV parses every record of an OSV export zip.
func readZipOSV(t testing.TB, path string) []Advisory {
	t.Helper()
	var out []Advisory
	testbed.EachZipFile(t, path, func(name string, b []byte) {
		a, err := ParseOSV(b, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, a)
	})
	return out
}

func TestWriterLookupRealOSV(t *testing.T) {
	vd := testbed.Vulndata(t)
	advs := readZipOSV(t, filepath.Join(vd, "Go", "all.zip"))
	if len(advs) != 4291 {
		t.Fatalf("Go/all.zip: %d records, the vulndata README says 4,291", len(advs))
	}
	dir := t.TempDir()
	w, err := NewWriter(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range advs {
		if err := w.Add(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// Every affected package of every record must come back by lookup,
	// with the same ranges.
	want := 0
	for _, a := range advs {
		if !a.Withdrawn.IsZero() {
			continue
		}
		for _, af := range a.Affected {
			want++
			entries, err := db.Lookup(af.Ecosystem, af.Name)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(entries, func(e Entry) bool {
				return e.ID == a.ID && slices.EqualFunc(e.Ranges, af.Ranges, rangeEqual)
			})
			if i < 0 {
				t.Fatalf("%s: entry for %s/%s missing", a.ID, af.Ecosystem, af.Name)
			}
		}
	}
	m := db.Meta()
	if m.Advisories["Go"] == 0 || m.Total == 0 || m.Built.IsZero() {
		t.Fatalf("meta = %+v", m)
	}
	t.Logf("Go: %d records, %d affected entries, meta total %d", len(advs), want, m.Total)
	if a, err := db.Advisory(advs[0].ID); err != nil || a == nil || a.ID != advs[0].ID {
		t.Fatalf("Advisory(%s) = %v, %v", advs[0].ID, a, err)
	}
}

func rangeEqual(a, b Range) bool { return a.Type == b.Type && slices.Equal(a.Events, b.Events) }

// TestPerEcosystemReplace: one ID fed one release at a time keeps both;
// re-feeding a release replaces only that release; withdrawal removes all.
func TestPerEcosystemReplace(t *testing.T) {
	dir := t.TempDir()
	adv := func(eco, fixed string) Advisory {
		return Advisory{ID: "ALPINE-CVE-2020-1", Aliases: []string{"CVE-2020-1"}, Affected: []Affected{{
			Ecosystem: eco, Name: "openssl",
			Ranges: []Range{{Type: "ECOSYSTEM", Events: []Event{{Introduced: "0"}, {Fixed: fixed}}}},
		}}}
	}
	commit := func(fresh bool, advs ...Advisory) {
		t.Helper()
		w, err := NewWriter(dir, fresh)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range advs {
			if err := w.Add(a); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	fixedIn := func(eco string) []string {
		t.Helper()
		db, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		es, err := db.Lookup(eco, "openssl")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.Ranges[0].Events[1].Fixed)
		}
		return out
	}
	commit(true, adv("Alpine:v3.10", "1.1-r0"))
	commit(false, adv("Alpine:v3.11", "1.2-r0"))
	if got := fixedIn("Alpine:v3.10"); !slices.Equal(got, []string{"1.1-r0"}) {
		t.Fatalf("v3.10 after second import = %v", got)
	}
	commit(false, adv("Alpine:v3.11", "1.3-r0"))
	if got := fixedIn("Alpine:v3.11"); !slices.Equal(got, []string{"1.3-r0"}) {
		t.Fatalf("v3.11 after re-import = %v", got)
	}
	// Within one writer, two releases of one ID merge too.
	commit(true, adv("Alpine:v3.10", "1.1-r0"), adv("Alpine:v3.11", "1.2-r0"))
	if a, b := fixedIn("Alpine:v3.10"), fixedIn("Alpine:v3.11"); len(a) != 1 || len(b) != 1 {
		t.Fatalf("one writer, two releases: %v %v", a, b)
	}
	w := adv("Alpine:v3.10", "1.1-r0")
	w.Withdrawn = time.Now()
	commit(false, w)
	if a, b := fixedIn("Alpine:v3.10"), fixedIn("Alpine:v3.11"); len(a)+len(b) != 0 {
		t.Fatalf("withdrawn record still matches: %v %v", a, b)
	}
}

// TestAbortKeepsLive: a failed or abandoned update leaves the previous
// database in use, and an open DB keeps reading across a swap.
func TestAbortKeepsLive(t *testing.T) {
	dir := t.TempDir()
	a := Advisory{ID: "GO-1", Affected: []Affected{{Ecosystem: "Go", Name: "example.com/m",
		Ranges: []Range{{Type: "SEMVER", Events: []Event{{Introduced: "0"}, {Fixed: "1.2.3"}}}}}}}
	w, _ := NewWriter(dir, true)
	w.Add(a)
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w2, _ := NewWriter(dir, true)
	w2.Add(Advisory{ID: "GO-2", Affected: a.Affected})
	w2.Abort()
	db2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	es, _ := db2.Lookup("Go", "example.com/m")
	db2.Close()
	if len(es) != 1 || es[0].ID != "GO-1" {
		t.Fatalf("after abort: %+v", es)
	}
	w3, _ := NewWriter(dir, true)
	w3.Add(Advisory{ID: "GO-3", Affected: a.Affected})
	if err := w3.Commit(); err != nil {
		t.Fatal(err)
	}
	es, _ = db.Lookup("Go", "example.com/m") // the DB opened before the swap
	if len(es) != 1 || es[0].ID != "GO-1" {
		t.Fatalf("open DB across swap: %+v", es)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".vulndb-*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}
