package match

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzIgnoreFile: any ignore file gives rules or an error naming the file,
// never a panic; every rule has an ID.
func FuzzIgnoreFile(f *testing.F) {
	f.Add([]byte("ignore:\n  - id: CVE-2023-1\n    package: openssl\n    reason: r\n    expires: 2030-01-01\n"))
	f.Add([]byte("CVE-2023-1 exp:2030-01-01 # reason\n\nGHSA-x\n"))
	f.Add([]byte("ignore:\n  - id: \n"))
	f.Add([]byte("ignore: [1, {id: [x]}]"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "ignore")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		rules, err := LoadIgnoreFile(p)
		if err != nil {
			return
		}
		for _, r := range rules {
			if r.ID == "" {
				t.Fatalf("rule without an ID from %q", b)
			}
		}
		Suppress([]Vulnerability{{ID: "CVE-2023-1", Package: PackageRef{Name: "openssl"}}}, rules, nil, time.Now())
	})
}

// FuzzVEX: any OpenVEX or CycloneDX document gives statements or an error,
// never a panic; every statement names a vulnerability and a known status.
func FuzzVEX(f *testing.F) {
	f.Add([]byte(`{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-1","aliases":["GHSA-1"]},"products":[{"@id":"pkg:npm/x","subcomponents":[{"@id":"pkg:npm/y@1"}]}],"status":"not_affected"}]}`))
	f.Add([]byte(`{"bomFormat":"CycloneDX","vulnerabilities":[{"id":"CVE-1","analysis":{"state":"false_positive"},"affects":[{"ref":"p1"}]}]}`))
	f.Add([]byte(`{"@context":"openvex","statements":[{"status":"maybe"}]}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "vex.json")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		sts, err := LoadVEX(p)
		if err != nil {
			return
		}
		for _, s := range sts {
			switch s.Status {
			case "not_affected", "affected", "fixed", "under_investigation":
			default:
				t.Fatalf("statement with status %q", s.Status)
			}
			if s.Vulnerability == "" {
				t.Fatal("statement without a vulnerability")
			}
		}
	})
}
