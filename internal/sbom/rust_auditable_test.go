package sbom

import (
	"bytes"
	"compress/zlib"
	"context"
	"debug/elf"
	"encoding/binary"
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

// cargoAuditJSON is audit data in the shape cargo-auditable 0.6 writes for
// a binary crate with one build-time and three linked dependencies:
// packages sorted by name, dependencies as indexes, "kind" and "root"
// present only when not the default.
const cargoAuditJSON = `{"packages":[` +
	`{"name":"adler","version":"1.0.2","source":"crates.io"},` +
	`{"name":"cc","version":"1.0.83","source":"crates.io","kind":"build"},` +
	`{"name":"hello","version":"0.1.0","source":"local","dependencies":[0,1,3,4],"root":true},` +
	`{"name":"miniz_oxide","version":"0.7.1","source":"crates.io","dependencies":[0]},` +
	`{"name":"serde","version":"1.0.193","source":"git"}]}`

var cargoAuditWant = []string{
	"adler@1.0.2 crates.io runtime",
	"cc@1.0.83 crates.io build",
	"hello@0.1.0 local runtime root",
	"miniz_oxide@0.7.1 crates.io runtime",
	"serde@1.0.193 git runtime",
}

func cargoZlib(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// cargoTestELF builds the smallest ELF file debug/elf reads: a header and
// two sections, .dep-v0 holding data and the section name table.
func cargoTestELF(data []byte) []byte {
	names := "\x00" + cargoAuditSection + "\x00.shstrtab\x00"
	const hdr = 64
	namesOff := uint64(hdr + len(data))
	shoff := (namesOff + uint64(len(names)) + 7) &^ 7
	var b bytes.Buffer
	h := elf.Header64{Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_X86_64), Version: 1,
		Shoff: shoff, Ehsize: hdr, Shentsize: 64, Shnum: 3, Shstrndx: 2}
	copy(h.Ident[:], "\x7fELF\x02\x01\x01")
	binary.Write(&b, binary.LittleEndian, h)
	b.Write(data)
	b.WriteString(names)
	b.Write(make([]byte, shoff-uint64(b.Len())))
	binary.Write(&b, binary.LittleEndian, []elf.Section64{
		{},
		{Name: 1, Type: uint32(elf.SHT_PROGBITS), Off: hdr, Size: uint64(len(data)), Addralign: 1},
		{Name: uint32(2 + len(cargoAuditSection)), Type: uint32(elf.SHT_STRTAB), Off: namesOff, Size: uint64(len(names)), Addralign: 1},
	})
	return b.Bytes()
}

// cargoAuditSummary lists packages as "name@version source kind [root]".
func cargoAuditSummary(t *testing.T, pkgs []Package, path string) []string {
	t.Helper()
	var out []string
	for _, p := range pkgs {
		s := p.Name + "@" + p.Version + " " + p.Metadata["source"] + " " + p.Metadata["kind"]
		if p.Metadata["root"] == "true" {
			s += " root"
		}
		if p.Type != TypeRust || p.Ecosystem != "crates.io" || p.PURL != "pkg:cargo/"+p.Name+"@"+p.Version ||
			len(p.Locations) != 1 || p.Locations[0].Path != path {
			t.Errorf("%s: %+v", p.Name, p)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// TestCargoAuditableRealBinary compiles a real executable with rustc (or
// cc), adds the audit data as cargo-auditable would with objcopy, as an
// ELF and as a PE file, and reads it back.
func TestCargoAuditableRealBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a program")
	}
	if _, err := exec.LookPath("objcopy"); err != nil {
		testbed.Unavailable(t, "objcopy", "not installed (apt-get install binutils)")
	}
	dir := t.TempDir()
	plain := cargoCompile(t, dir)
	dep := filepath.Join(dir, "dep-v0")
	if err := os.WriteFile(dep, cargoZlib(t, []byte(cargoAuditJSON)), 0o644); err != nil {
		t.Fatal(err)
	}
	objcopy(t, "--add-section", ".dep-v0="+dep, plain, filepath.Join(dir, "audited"))
	objcopy(t, "-O", "pei-x86-64", "--add-section", ".dep-v0="+dep, plain, filepath.Join(dir, "audited.exe"))
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"audited", cargoAuditWant},
		{"audited.exe", cargoAuditWant},
		{"plain", nil},
	} {
		in := Input{FS: os.DirFS(dir), Paths: []string{tc.file}}
		pkgs, err := newCargoAuditableCataloger().Catalog(context.Background(), in)
		if got := cargoAuditSummary(t, pkgs, tc.file); err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %q, err %v\nwant %q", tc.file, got, err, tc.want)
		}
	}
}

// cargoCompile builds a hello world as dir/plain, with rustc (offline, no
// crates) or else cc.
func cargoCompile(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(dir, "plain")
	src := filepath.Join(dir, "main.rs")
	goWriteFile(t, src, "fn main() { println!(\"hello\"); }\n")
	cmd := exec.Command("rustc", "-o", out, src)
	if _, err := exec.LookPath("rustc"); err != nil {
		src = filepath.Join(dir, "main.c")
		goWriteFile(t, src, "int main(void) { return 0; }\n")
		cmd = exec.Command("cc", "-o", out, src)
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		testbed.Unavailable(t, cmd.Args[0], "%v: %v\n%s", cmd.Args, err, b)
	}
	return out
}

func objcopy(t *testing.T, args ...string) {
	t.Helper()
	if b, err := exec.Command("objcopy", args...).CombinedOutput(); err != nil {
		t.Fatalf("objcopy %v: %v\n%s", args, err, b)
	}
}

func TestCargoAuditableInputs(t *testing.T) {
	bomb := cargoZlib(t, bytes.Repeat([]byte(" "), cargoAuditMaxJSON+10))
	fsys := fstest.MapFS{
		"bin/ok":     {Data: cargoTestELF(cargoZlib(t, []byte(cargoAuditJSON))), Mode: 0o755},
		"bin/nozlib": {Data: cargoTestELF([]byte(cargoAuditJSON)), Mode: 0o755},
		"bin/nojson": {Data: cargoTestELF(cargoZlib(t, []byte("{\"packages\":"))), Mode: 0o755},
		"bin/bomb":   {Data: cargoTestELF(bomb), Mode: 0o755},
		"bin/script": {Data: []byte("#!/bin/sh\n# .dep-v0\n"), Mode: 0o755},
		"bin/tiny":   {Data: []byte("\x7fE"), Mode: 0o755},
	}
	for _, tc := range []struct {
		path    string
		want    []string
		wantErr string
	}{
		{"bin/ok", cargoAuditWant, ""},
		{"bin/nozlib", nil, "decompress"},
		{"bin/nojson", nil, "parse"},
		{"bin/bomb", nil, "more than"},
		{"bin/script", nil, ""},
		{"bin/tiny", nil, ""},
		{"bin/missing", nil, "not exist"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			in := Input{FS: fsys, Paths: []string{tc.path}}
			pkgs, err := newCargoAuditableCataloger().Catalog(context.Background(), in)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" &&
				(err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), tc.path)) {
				t.Fatalf("err = %v, want one naming %s and saying %q", err, tc.path, tc.wantErr)
			}
			if got := cargoAuditSummary(t, pkgs, tc.path); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCargoAuditableMatch(t *testing.T) {
	c := newCargoAuditableCataloger()
	if !c.Match("usr/local/bin/rg", 0o755) || c.Match("usr/share/doc/x", 0o644) || c.Match("usr/bin", fs.ModeDir|0o755) {
		t.Error("Match: want executables only")
	}
	if m := c.Markers(); len(m) != 1 || string(m[0]) != ".dep-v0" {
		t.Errorf("Markers() = %q", m)
	}
}

func FuzzCargoAuditable(f *testing.F) {
	f.Add(cargoTestELF(cargoZlib(f, []byte(cargoAuditJSON))))
	f.Add(cargoTestELF([]byte(cargoAuditJSON)))
	f.Add([]byte(cargoAuditJSON))
	f.Add([]byte("MZ\x90\x00\x03\x00\x00\x00"))
	f.Add([]byte("\xcf\xfa\xed\xfe\x07\x00\x00\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cargoReadAuditable(bytes.NewReader(data), "x")
		cargoParseAuditJSON(data, "x")
	})
}
