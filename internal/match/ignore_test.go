package match

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestPackageMatches(t *testing.T) {
	p := PackageRef{ID: "p1", Name: "Django", Source: "", PURL: "pkg:pypi/django@4.2.1?arch=x#sub"}
	tests := []struct {
		want string
		ok   bool
	}{
		{"Django", true},
		{"p1", true},
		{"flask", false},
		{"pkg:pypi/django", true},
		{"pkg:pypi/django@4.2.1", true},
		{"pkg:pypi/django@4.2.2", false},
		{"pkg:npm/django", false},
		{"pkg:", false},
	}
	for _, tt := range tests {
		if got := packageMatches(tt.want, p); got != tt.ok {
			t.Errorf("packageMatches(%q) = %v, want %v", tt.want, got, tt.ok)
		}
	}
}

func TestCycloneDXVEX(t *testing.T) {
	doc := `{"bomFormat":"CycloneDX","specVersion":"1.6","vulnerabilities":[
		{"id":"CVE-1","analysis":{"state":"not_affected","justification":"code_not_reachable","detail":"only tests"},"affects":[{"ref":"pkg:pypi/django"}]},
		{"id":"CVE-2","analysis":{"state":"exploitable"}},
		{"id":"CVE-3"}]}`
	p := filepath.Join(t.TempDir(), "vex.json")
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	sts, err := LoadVEX(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"not_affected", "affected", "under_investigation"}
	if len(sts) != len(want) {
		t.Fatalf("got %d statements, want %d", len(sts), len(want))
	}
	for i, s := range sts {
		if s.Status != want[i] {
			t.Errorf("statement %d: status %q, want %q", i, s.Status, want[i])
		}
	}
	if sts[0].Justification != "code_not_reachable only tests" {
		t.Errorf("justification %q", sts[0].Justification)
	}
	v := Vulnerability{ID: "CVE-1", Package: PackageRef{Name: "django", PURL: "pkg:pypi/django@4.2.1"}}
	kept, suppressed, _ := Suppress([]Vulnerability{v}, nil, sts, time.Now())
	if len(kept) != 0 || len(suppressed) != 1 || suppressed[0].Status != StatusNotAffected {
		t.Errorf("Suppress: kept %v, suppressed %v", kept, suppressed)
	}
}
