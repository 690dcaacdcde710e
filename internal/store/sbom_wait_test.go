package store

import (
	"bytes"
	"testing"
	"time"
)

// testSaveSBOM: an SBOM kept before data arrives reads back, leaves the
// image unscanned, and never replaces the SBOM of a scan.
func testSaveSBOM(t *testing.T, open func(t *testing.T) *Store) {
	s := open(t)
	reg := mkRegistry(t, s, "r")
	id := mkImage(t, s, reg.ID, "app", "sha256:a", "v1", t0)
	must(t, s.SaveSBOM(ctx, id, []byte("first")))
	must(t, s.SaveSBOM(ctx, id, []byte("second")))
	b, err := s.ScanSBOM(ctx, id)
	if err != nil || !bytes.Equal(b, []byte("first")) {
		t.Fatalf("ScanSBOM = %q, %v; want the first kept", b, err)
	}
	if im := getImage(t, s, id); im.Scanned {
		t.Fatal("SaveSBOM marked the image scanned")
	}
	must(t, s.SaveScan(ctx, ScanResult{ImageID: id, ScannedAt: t0.Add(time.Hour), SBOM: []byte("scanned")}, 0))
	must(t, s.SaveSBOM(ctx, id, []byte("later")))
	if b, _ := s.ScanSBOM(ctx, id); !bytes.Equal(b, []byte("scanned")) {
		t.Fatalf("ScanSBOM after a scan = %q, want the scan's", b)
	}
	if im := getImage(t, s, id); !im.Scanned {
		t.Fatal("image unscanned after SaveScan")
	}
}
