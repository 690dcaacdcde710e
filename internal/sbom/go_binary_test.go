package sbom

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// goTestModule is a program built against old module versions from the Go
// module proxy, with one replacement by another version and one by a
// local directory, so that every shape of `go version -m` line appears.
var goTestModule = map[string]string{
	"go.mod": `module example.com/bulwarktest

go 1.21

require (
	example.com/local v0.0.0
	github.com/gorilla/mux v1.8.0
	golang.org/x/text v0.3.7
	gopkg.in/yaml.v2 v2.2.8
)

replace github.com/gorilla/mux v1.8.0 => github.com/gorilla/mux v1.7.4

replace example.com/local => ./local
`,
	"main.go": `package main

import (
	"fmt"

	"example.com/local"
	"github.com/gorilla/mux"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v2"
)

func main() {
	out, _ := yaml.Marshal(map[string]string{"lang": language.English.String()})
	fmt.Println(string(out), mux.NewRouter() != nil, local.Name)
}
`,
	"local/go.mod":   "module example.com/local\n\ngo 1.21\n",
	"local/local.go": "package local\n\n// Name is printed.\nconst Name = \"local\"\n",
}

// goTestBinary builds goTestModule once per toolchain and source, cached
// under $HOME/.cache/bulwark-ci, and returns the binary's path.
func goTestBinary(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a Go program against the module proxy")
	}
	h := sha256.New()
	h.Write([]byte(runtime.Version()))
	for _, name := range slices.Sorted(maps.Keys(goTestModule)) {
		h.Write([]byte(name + "\x00" + goTestModule[name] + "\x00"))
	}
	home, err := os.UserHomeDir()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(home, ".cache", "bulwark-ci", "gobin-"+hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	src := t.TempDir()
	for name, body := range goTestModule {
		goWriteFile(t, filepath.Join(src, name), body)
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(src, "out")
	cmd := exec.Command("go", "build", "-o", tmp, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if err := os.Rename(tmp, bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

func goWriteFile(t testing.TB, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// goVersionM lists the packages `go version -m` reports for bin, as
// "name@version", in the cataloger's conventions: a replacement by a
// version names the replacement, one by a directory keeps the module's
// path with no version, and the toolchain is the "stdlib" package.
func goVersionM(t *testing.T, bin string) []string {
	t.Helper()
	out, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatalf("go version -m %s: %v", bin, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	_, goVer, _ := strings.Cut(lines[0], ": ")
	var pkgs []string
	for _, line := range lines[1:] {
		f := strings.Split(strings.TrimPrefix(line, "\t"), "\t")
		switch {
		case f[0] == "mod" || f[0] == "dep":
			pkgs = append(pkgs, f[1]+"@"+f[2])
		case f[0] == "=>" && strings.HasPrefix(f[1], "."):
			name, _, _ := strings.Cut(pkgs[len(pkgs)-1], "@")
			pkgs[len(pkgs)-1] = name + "@"
		case f[0] == "=>":
			pkgs[len(pkgs)-1] = f[1] + "@" + f[2]
		}
	}
	pkgs = append(pkgs, "stdlib@"+goStdlibVersion(goVer))
	slices.Sort(pkgs)
	return pkgs
}

// goCatalog runs the cataloger on one file of the host.
func goCatalog(t *testing.T, path string) []Package {
	t.Helper()
	in := Input{FS: os.DirFS(filepath.Dir(path)), Paths: []string{filepath.Base(path)}}
	pkgs, err := newGoBinaryCataloger().Catalog(context.Background(), in)
	if err != nil {
		t.Fatalf("catalog %s: %v", path, err)
	}
	return pkgs
}

func goNameVersions(pkgs []Package) []string {
	var out []string
	for _, p := range pkgs {
		out = append(out, p.Name+"@"+p.Version)
	}
	slices.Sort(out)
	return out
}

func TestGoBinaryAgreesWithGoVersionM(t *testing.T) {
	gofmt := filepath.Join(goRoot(t), "bin", "gofmt")
	for _, tc := range []struct {
		name string
		bin  func(testing.TB) string
		min  int
	}{
		{"old module versions", goTestBinary, 6},
		{"go toolchain gofmt", func(testing.TB) string { return gofmt }, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin := tc.bin(t)
			want := goVersionM(t, bin)
			got := goNameVersions(goCatalog(t, bin))
			if !slices.Equal(got, want) || len(got) < tc.min {
				t.Errorf("packages of %s\n got %q\nwant %q (go version -m)", bin, got, want)
			}
		})
	}
}

func TestGoBinaryDetails(t *testing.T) {
	pkgs := goCatalog(t, goTestBinary(t))
	byName := map[string]Package{}
	for _, p := range pkgs {
		byName[p.Name] = p
	}
	for _, tc := range []struct {
		name, purl, metaKey, metaValue string
	}{
		{"example.com/bulwarktest", "pkg:golang/example.com/bulwarktest@%28devel%29", "main", "true"},
		{"github.com/gorilla/mux", "pkg:golang/github.com/gorilla/mux@v1.7.4", "mainModule", "example.com/bulwarktest"},
		{"example.com/local", "pkg:golang/example.com/local", "replacedBy", "./local"},
		{"gopkg.in/yaml.v2", "pkg:golang/gopkg.in/yaml.v2@v2.2.8", "GOOS", runtime.GOOS},
		{"stdlib", "pkg:golang/stdlib@" + goStdlibVersion(runtime.Version()), "goVersion", runtime.Version()},
		{"golang.org/x/text", "pkg:golang/golang.org/x/text@v0.3.7", "CGO_ENABLED", "0"},
	} {
		p, ok := byName[tc.name]
		if !ok {
			t.Errorf("%s not found", tc.name)
			continue
		}
		if p.PURL != tc.purl || p.Metadata[tc.metaKey] != tc.metaValue || p.Type != TypeGo || p.Ecosystem != "Go" {
			t.Errorf("%s: purl %q metadata[%s]=%q type %q ecosystem %q", tc.name, p.PURL, tc.metaKey, p.Metadata[tc.metaKey], p.Type, p.Ecosystem)
		}
		if len(p.Locations) != 1 || p.Locations[0].Path != filepath.Base(goTestBinary(t)) {
			t.Errorf("%s: locations %v", tc.name, p.Locations)
		}
	}
}

func TestGoBinaryNotGo(t *testing.T) {
	for _, path := range []string{"/bin/ls", "/bin/sh"} {
		if _, err := os.Stat(path); err != nil {
			t.Skipf("%s: %v", path, err)
		}
		if pkgs := goCatalog(t, path); len(pkgs) != 0 {
			t.Errorf("%s: got %d packages, want none", path, len(pkgs))
		}
	}
}

// goNoReaderAtFS hides io.ReaderAt from the files it opens.
type goNoReaderAtFS struct{ fs.FS }

type goPlainFile struct{ fs.File }

func (f goNoReaderAtFS) Open(name string) (fs.File, error) {
	file, err := f.FS.Open(name)
	return goPlainFile{file}, err
}

func TestGoBinaryInputs(t *testing.T) {
	// gofmt, unlike the test binary, holds no copy of the strings below
	// outside its build information.
	body, err := os.ReadFile(filepath.Join(goRoot(t), "bin", "gofmt"))
	if err != nil {
		testbed.Unavailable(t, "gofmt", "%v", err)
	}
	// Cut just after the build information: the ELF section headers at
	// the end are gone, so debug/buildinfo cannot tell it from C.
	truncated := body[:bytes.Index(body, []byte(goBuildInfoMagic))+64]
	// A build line without "=": a Go binary whose build info is corrupt.
	corrupt := bytes.Replace(body, []byte("\nbuild\tGOOS="), []byte("\nbuild\tGOOS "), -1)
	fsys := fstest.MapFS{
		"usr/bin/app":    {Data: body, Mode: 0o755},
		"usr/bin/script": {Data: []byte("#!/bin/sh\necho hi\n"), Mode: 0o755},
		"usr/bin/cut":    {Data: truncated, Mode: 0o755},
		"usr/bin/bad":    {Data: corrupt, Mode: 0o755},
		"usr/bin/magic":  {Data: []byte("junk" + goBuildInfoMagic + "junk"), Mode: 0o755},
	}
	for _, tc := range []struct {
		name    string
		fsys    fs.FS
		path    string
		wantPkg bool
		wantErr bool
	}{
		{"reader at", fsys, "usr/bin/app", true, false},
		{"no reader at", goNoReaderAtFS{fsys}, "usr/bin/app", true, false},
		{"script", fsys, "usr/bin/script", false, false},
		{"truncated go binary", fsys, "usr/bin/cut", false, false},
		{"corrupt build info", fsys, "usr/bin/bad", false, true},
		{"magic only", fsys, "usr/bin/magic", false, false},
		{"missing", fsys, "usr/bin/none", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := Input{FS: tc.fsys, Paths: []string{tc.path}}
			pkgs, err := newGoBinaryCataloger().Catalog(context.Background(), in)
			if (len(pkgs) > 0) != tc.wantPkg || (err != nil) != tc.wantErr {
				t.Fatalf("got %d packages, err %v", len(pkgs), err)
			}
			if err != nil && !strings.Contains(err.Error(), tc.path) {
				t.Errorf("error %q does not name %s", err, tc.path)
			}
		})
	}
}

func TestGoBinaryCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in := Input{FS: fstest.MapFS{}, Paths: []string{"a"}}
	if _, err := newGoBinaryCataloger().Catalog(ctx, in); err == nil {
		t.Fatal("want the context's error")
	}
}

func TestGoBinaryMatch(t *testing.T) {
	c := newGoBinaryCataloger()
	for _, tc := range []struct {
		mode fs.FileMode
		want bool
	}{
		{0o755, true},
		{0o700, true},
		{0o001, true},
		{0o644, false},
		{fs.ModeDir | 0o755, false},
		{fs.ModeSymlink | 0o777, false},
	} {
		if got := c.Match("usr/bin/x", tc.mode); got != tc.want {
			t.Errorf("Match(%v) = %v, want %v", tc.mode, got, tc.want)
		}
	}
	if m := c.Markers(); len(m) != 1 || !bytes.Equal(m[0], []byte("\xff Go buildinf:")) {
		t.Errorf("Markers() = %q", m)
	}
}

func TestGoBinaryStdlibVersion(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"go1.22.3", "1.22.3"},
		{"go1.20", "1.20.0"},
		{"go1.21rc2", "1.21.0-rc.2"},
		{"go1.19beta1", "1.19.0-beta.1"},
		{"go1.23.1 X:boringcrypto", "1.23.1"},
		{"go1.24.0 X:nocoverageredesign,rangefunc", "1.24.0"},
		{"devel go1.25-abcdef Tue Jan 1 2025", ""},
		{"go1.25-devel_abcdef", ""},
		{"go1.2.3.4", ""},
		{"go", ""},
		{"", ""},
	} {
		if got := goStdlibVersion(tc.in); got != tc.want {
			t.Errorf("goStdlibVersion(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzGoBuildInfo(f *testing.F) {
	f.Add([]byte(goBuildInfoMagic))
	f.Add([]byte("\x7fELF\x02\x01\x01\x00"))
	f.Add([]byte("MZ\x90\x00"))
	if self, err := os.Executable(); err == nil {
		if b, err := os.ReadFile(self); err == nil && len(b) > 8192 {
			f.Add(b[:8192])
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		bi, err := goReadBuildInfo(bytes.NewReader(data))
		if err == nil && bi != nil {
			goPackages(bi, "x")
		}
	})
}

// BenchmarkGoBinaryCataloger reads the test program of old modules: a
// real binary of 6 packages, 4 MiB, as most in images are.
func BenchmarkGoBinaryCataloger(b *testing.B) {
	bin := goTestBinary(b)
	in := Input{FS: os.DirFS(filepath.Dir(bin)), Paths: []string{filepath.Base(bin)}}
	c := newGoBinaryCataloger()
	for b.Loop() {
		if pkgs, err := c.Catalog(context.Background(), in); err != nil || len(pkgs) != 6 {
			b.Fatalf("got %d packages, err %v", len(pkgs), err)
		}
	}
}

// goRoot asks the go command on PATH for its GOROOT.
func goRoot(t testing.TB) string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		testbed.Unavailable(t, "go", "go env GOROOT: %v", err)
	}
	return strings.TrimSpace(string(out))
}
