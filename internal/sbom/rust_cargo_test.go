package sbom

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// cargoV1Lock is hand-written in the format cargo wrote before Rust 1.41
// (checksums in [metadata], a git source), as no such file is at hand.
const cargoV1Lock = `[[package]]
name = "serde"
version = "1.0.104"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "tool"
version = "0.3.0"
dependencies = [
 "serde 1.0.104 (registry+https://github.com/rust-lang/crates.io-index)",
 "tokio 0.2.11 (git+https://github.com/tokio-rs/tokio?rev=abc#abcdef0123456789)",
]

[[package]]
name = "tokio"
version = "0.2.11"
source = "git+https://github.com/tokio-rs/tokio?rev=abc#abcdef0123456789"

[metadata]
"checksum serde 1.0.104 (registry+https://github.com/rust-lang/crates.io-index)" = "414115f25f818d7dfccec8ee535d76949ae78584fc4f79a6f45a904bf8ab4449"
`

func TestCargoLock(t *testing.T) {
	// testdata/cargo/hello_world/Cargo.lock is a real version 4 lock file,
	// taken as-is from the test data of the syft Go module (v1.57.1).
	lockFile, err := os.ReadFile("testdata/cargo/hello_world/Cargo.lock")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"src/hello_world/Cargo.lock": {Data: lockFile},
		"opt/tool/Cargo.lock":        {Data: []byte(cargoV1Lock)},
		"opt/bad/Cargo.lock":         {Data: []byte("[[package]\nname = ")},
		"opt/empty/Cargo.lock":       {Data: []byte("version = 4\n")},
	}
	for _, tc := range []struct {
		path    string
		want    []string
		wantErr bool
	}{
		{"src/hello_world/Cargo.lock", []string{
			"argh@0.1.12 registry+https://github.com/rust-lang/crates.io-index",
			"argh_derive@0.1.12 registry+https://github.com/rust-lang/crates.io-index",
			"argh_shared@0.1.12 registry+https://github.com/rust-lang/crates.io-index",
			"hello_world@0.1.0 local",
			"proc-macro2@1.0.92 registry+https://github.com/rust-lang/crates.io-index",
			"quote@1.0.37 registry+https://github.com/rust-lang/crates.io-index",
			"serde@1.0.215 registry+https://github.com/rust-lang/crates.io-index",
			"serde_derive@1.0.215 registry+https://github.com/rust-lang/crates.io-index",
			"syn@2.0.90 registry+https://github.com/rust-lang/crates.io-index",
			"unicode-ident@1.0.14 registry+https://github.com/rust-lang/crates.io-index",
		}, false},
		{"opt/tool/Cargo.lock", []string{
			"serde@1.0.104 registry+https://github.com/rust-lang/crates.io-index",
			"tokio@0.2.11 git+https://github.com/tokio-rs/tokio?rev=abc#abcdef0123456789",
			"tool@0.3.0 local",
		}, false},
		{"opt/bad/Cargo.lock", nil, true},
		{"opt/empty/Cargo.lock", nil, false},
		{"opt/missing/Cargo.lock", nil, true},
	} {
		t.Run(tc.path, func(t *testing.T) {
			pkgs, err := newCargoLockCataloger().Catalog(context.Background(), Input{FS: fsys, Paths: []string{tc.path}})
			if (err != nil) != tc.wantErr || (err != nil && !strings.Contains(err.Error(), tc.path)) {
				t.Fatalf("err = %v, want error naming the path: %v", err, tc.wantErr)
			}
			if got := cargoSummary(pkgs, tc.path); !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// cargoSummary lists packages as "name@version source", checking the
// fields every crate shares on the way.
func cargoSummary(pkgs []Package, path string) []string {
	var out []string
	for _, p := range pkgs {
		s := p.Name + "@" + p.Version + " " + p.Metadata["source"]
		if p.Type != TypeRust || p.Ecosystem != "crates.io" || p.PURL != "pkg:cargo/"+p.Name+"@"+p.Version ||
			len(p.Locations) != 1 || p.Locations[0].Path != path {
			s += " BAD " + p.PURL
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func TestCargoLockKeepsGoingAfterBadFile(t *testing.T) {
	fsys := fstest.MapFS{
		"a/Cargo.lock": {Data: []byte("not toml [[")},
		"b/Cargo.lock": {Data: []byte(cargoV1Lock)},
	}
	in := Input{FS: fsys, Paths: []string{"a/Cargo.lock", "b/Cargo.lock"}}
	pkgs, err := newCargoLockCataloger().Catalog(context.Background(), in)
	if err == nil || !strings.Contains(err.Error(), "a/Cargo.lock") || len(pkgs) != 3 {
		t.Fatalf("got %d packages, err %v; want 3 and an error naming a/Cargo.lock", len(pkgs), err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := newCargoLockCataloger().Catalog(ctx, in); err == nil {
		t.Error("cancelled: want the context's error")
	}
}

// TestCargoLockAgreesWithCargo has the real cargo write a lock file for a
// workspace of path crates (crates.io is unreachable here) and compares the
// packages with those `cargo metadata` reports.
func TestCargoLockAgreesWithCargo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs cargo")
	}
	if _, err := exec.LookPath("cargo"); err != nil {
		testbed.Unavailable(t, "cargo", "not installed (apt-get install cargo)")
	}
	dir := t.TempDir()
	for name, body := range map[string]string{
		"Cargo.toml":      "[workspace]\nmembers = [\"app\", \"lib\"]\nresolver = \"2\"\n",
		"app/Cargo.toml":  "[package]\nname = \"app\"\nversion = \"1.2.3\"\nedition = \"2021\"\n\n[dependencies]\nlib = { path = \"../lib\" }\n",
		"app/src/main.rs": "fn main() { println!(\"{}\", lib::NAME); }\n",
		"lib/Cargo.toml":  "[package]\nname = \"lib\"\nversion = \"0.4.0\"\nedition = \"2021\"\n",
		"lib/src/lib.rs":  "pub const NAME: &str = \"lib\";\n",
	} {
		goWriteFile(t, filepath.Join(dir, name), body)
	}
	cargoRun(t, dir, "generate-lockfile", "--offline")
	var meta struct {
		Packages []struct{ Name, Version string } `json:"packages"`
	}
	if err := json.Unmarshal(cargoRun(t, dir, "metadata", "--offline", "--locked", "--format-version", "1"), &meta); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range meta.Packages {
		want = append(want, p.Name+"@"+p.Version+" local")
	}
	slices.Sort(want)
	pkgs, err := newCargoLockCataloger().Catalog(context.Background(), Input{FS: os.DirFS(dir), Paths: []string{"Cargo.lock"}})
	if got := cargoSummary(pkgs, "Cargo.lock"); err != nil || !slices.Equal(got, want) || len(got) != 2 {
		t.Errorf("got %q, err %v\nwant %q (cargo metadata)", got, err, want)
	}
}

func cargoRun(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("cargo", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CARGO_TARGET_DIR="+filepath.Join(dir, "target"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cargo %v: %v", args, err)
	}
	return out
}

func TestCargoLockMatch(t *testing.T) {
	c := newCargoLockCataloger()
	for _, tc := range []struct {
		name string
		mode fs.FileMode
		want bool
	}{
		{"Cargo.lock", 0o644, true},
		{"usr/src/app/Cargo.lock", 0o644, true},
		{"usr/src/app/Cargo.toml", 0o644, false},
		{"usr/src/app/cargo.lock", 0o644, false},
		{"usr/src/Cargo.lock", fs.ModeDir | 0o755, false},
	} {
		if got := c.Match(tc.name, tc.mode); got != tc.want {
			t.Errorf("Match(%q, %v) = %v, want %v", tc.name, tc.mode, got, tc.want)
		}
	}
}

func FuzzCargoLock(f *testing.F) {
	f.Add([]byte(cargoV1Lock))
	if b, err := os.ReadFile("testdata/cargo/hello_world/Cargo.lock"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("[[package]]\nname = 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cargoParseLock(data, "Cargo.lock")
	})
}
