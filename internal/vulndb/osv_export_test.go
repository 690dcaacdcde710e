package vulndb

import (
	"bytes"
	"context"
	"github.com/bulwarksec/bulwark/internal/testbed"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestOSVExportRoundTrip writes the real Alpine v3.10 secdb as an OSV
// export and imports it back: every (ID, package, fixed version) of the
// secdb comes back from the export.
func TestOSVExportRoundTrip(t *testing.T) {
	vd := testbed.Vulndata(t)
	var advs []Advisory
	for _, repo := range []string{"main", "community"} {
		f, err := os.Open(filepath.Join(vd, "alpine", "v3.10", repo+".json"))
		if err != nil {
			t.Fatal(err)
		}
		a, _, err := ParseAlpineSecDB(f, repo)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		advs = append(advs, a...)
	}
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "all.zip")
	var buf bytes.Buffer
	if err := WriteOSVExport(&buf, advs); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(zipPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := ImportFiles(context.Background(), filepath.Join(dir, "db"), []string{zipPath})
	if err != nil || st[0].Bad != 0 {
		t.Fatalf("import of the export: %v %+v", err, st)
	}
	db, err := Open(filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, a := range advs {
		for _, af := range a.Affected {
			es, err := db.Lookup(af.Ecosystem, af.Name)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(es, func(e Entry) bool {
				return e.ID == a.ID && slices.EqualFunc(e.Ranges, af.Ranges, rangeEqual)
			}) {
				t.Fatalf("%s %s/%s did not come back from the export", a.ID, af.Ecosystem, af.Name)
			}
		}
	}
}
