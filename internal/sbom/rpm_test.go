package sbom

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// rpmTestdata returns go-rpmdb's own test databases, real rpm databases of
// CentOS, Fedora, SUSE, UBI and CBL-Mariner images, from the module cache.
func rpmTestdata(t *testing.T) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/knqyf263/go-rpmdb").Output()
	if err != nil {
		testbed.Unavailable(t, "go-rpmdb module", "not in the module cache: %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "pkg", "testdata")
}

// rpmQuery lists "name epoch:version-release arch" with rpm(8) itself, or
// nil when this rpm cannot read the format (Debian's lacks NDB).
func rpmQuery(t *testing.T, dbdir string) []string {
	out, err := exec.Command("rpm", "--dbpath", dbdir, "-qa", "--qf", "%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH}\n").Output()
	if err != nil {
		return nil
	}
	var lines []string
	for _, l := range strings.Fields(strings.ReplaceAll(string(out), " ", "|")) {
		if !strings.HasPrefix(l, "gpg-pubkey|") {
			lines = append(lines, strings.ReplaceAll(strings.Replace(l, "|0:", "|", 1), "|", " "))
		}
	}
	slices.Sort(lines)
	return lines
}

func TestRPMAgainstRPMItself(t *testing.T) {
	if _, err := exec.LookPath("rpm"); err != nil {
		testbed.Unavailable(t, "rpm", "not installed (apt-get install rpm)")
	}
	td := rpmTestdata(t)
	ents, err := os.ReadDir(td)
	if err != nil {
		testbed.Unavailable(t, "go-rpmdb test databases", "%v", err)
	}
	formats := map[string]int{}
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		dbs, _ := os.ReadDir(filepath.Join(td, e.Name()))
		for _, db := range dbs {
			t.Run(e.Name()+"/"+db.Name(), func(t *testing.T) {
				got := rpmCatalog(t, filepath.Join(td, e.Name(), db.Name()), db.Name())
				want := rpmQuery(t, copyDB(t, filepath.Join(td, e.Name(), db.Name())))
				formats[db.Name()]++
				if len(want) == 0 {
					if len(got) == 0 {
						t.Fatalf("no packages read from %s", db.Name())
					}
					t.Logf("rpm(8) here cannot read %s; cataloged %d packages", db.Name(), len(got))
					return
				}
				if !slices.Equal(got, want) {
					t.Errorf("%d packages, rpm -qa lists %d\nmissing: %v\nextra: %v", len(got), len(want), sliceMinus(want, got), sliceMinus(got, want))
				}
			})
		}
	}
	for _, f := range []string{"Packages", "Packages.db", "rpmdb.sqlite"} {
		if formats[f] == 0 {
			t.Errorf("no %s database among go-rpmdb's test data", f)
		}
	}
}

func copyDB(t *testing.T, src string) string {
	dir := t.TempDir()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, filepath.Base(src)), b, 0o644)
	return dir
}

func rpmCatalog(t *testing.T, src, base string) []string {
	root := t.TempDir()
	dst := filepath.Join(root, "var/lib/rpm", base)
	os.MkdirAll(filepath.Dir(dst), 0o755)
	b, _ := os.ReadFile(src)
	os.WriteFile(dst, b, 0o644)
	c := newRPMCataloger()
	name := "var/lib/rpm/" + base
	if !c.Match(name, 0o644) {
		t.Fatalf("Match(%s) = false", name)
	}
	pkgs, err := c.Catalog(context.Background(), Input{FS: os.DirFS(root), Paths: []string{name}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range pkgs {
		if p.Name == "gpg-pubkey" {
			continue // rpm -qa lists imported keys; they are not packages
		}
		out = append(out, p.Name+" "+p.Version+" "+p.Arch)
	}
	slices.Sort(out)
	return out
}

func sliceMinus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
