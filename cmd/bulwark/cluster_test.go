package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestClusterRBACGolden compares `bulwark cluster rbac` with
// testdata/cluster-rbac.golden (go test -update rewrites it).
func TestClusterRBACGolden(t *testing.T) {
	r := bulwark(t, ".", "cluster", "rbac")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden := filepath.Join("testdata", "cluster-rbac.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(r.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if r.stdout != string(want) {
		t.Errorf("output differs from %s (go test ./cmd/bulwark -update rewrites it):\n%s", golden, r.stdout)
	}
}
