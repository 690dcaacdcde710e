package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/match"
	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/testbed"
)

// goVulnModule is a program built against module versions with known
// vulnerabilities in the Go vulnerability database, each one used so that
// it is linked into the binary.
var goVulnModule = map[string]string{
	"go.mod": `module example.com/bulwarkvuln

go 1.21

require (
	github.com/gorilla/websocket v1.4.0
	golang.org/x/crypto v0.0.0-20200622213623-75b288015ac9
	golang.org/x/net v0.7.0
	golang.org/x/text v0.3.5
	gopkg.in/yaml.v3 v3.0.0-20210107192922-496545a6307b
	github.com/golang-jwt/jwt/v4 v4.4.2
)
`,
	"main.go": `package main

import (
	"fmt"

	"github.com/golang-jwt/jwt/v4"
	"github.com/gorilla/websocket"
	"golang.org/x/crypto/ssh"
	"golang.org/x/net/html"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"
)

func main() {
	out, _ := yaml.Marshal(map[string]string{"lang": language.English.String()})
	_, err := html.Parse(nil)
	fmt.Println(string(out), websocket.CloseNormalClosure, ssh.KeyAlgoED25519, err, jwt.SigningMethodHS256.Alg())
}
`,
}

// goVulnBinary builds goVulnModule once per toolchain, cached under
// $HOME/.cache/bulwark-ci.
func goVulnBinary(t *testing.T) string {
	t.Helper()
	testbed.Heavy(t)
	h := sha256.New()
	h.Write([]byte(runtime.Version()))
	for _, name := range slices.Sorted(maps.Keys(goVulnModule)) {
		h.Write([]byte(name + "\x00" + goVulnModule[name] + "\x00"))
	}
	home, _ := os.UserHomeDir()
	bin := filepath.Join(home, ".cache", "bulwark-ci", "govuln-"+hex.EncodeToString(h.Sum(nil))[:16], "app")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	src := t.TempDir()
	for name, body := range goVulnModule {
		if err := os.WriteFile(filepath.Join(src, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"mod", "tidy"}, {"build", "-o", "out", "."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %v: %v\n%s", args, err, out)
		}
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(src, "out"), bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

// govulncheckDB lays the Go records out as govulncheck reads a local
// database: ID/<id>.json, index/db.json and index/modules.json.
func govulncheckDB(t *testing.T, zipPath string) string {
	t.Helper()
	dir := t.TempDir()
	type vulnRef struct {
		ID       string `json:"id"`
		Modified string `json:"modified"`
		Fixed    string `json:"fixed,omitempty"`
	}
	modules := map[string][]vulnRef{}
	newest := ""
	os.MkdirAll(filepath.Join(dir, "ID"), 0o755)
	os.MkdirAll(filepath.Join(dir, "index"), 0o755)
	testbed.EachZipFile(t, zipPath, func(name string, b []byte) {
		var rec struct {
			ID       string `json:"id"`
			Modified string `json:"modified"`
			Affected []struct {
				Package struct{ Name string } `json:"package"`
				Ranges  []struct {
					Events []struct {
						Fixed string `json:"fixed"`
					} `json:"events"`
				} `json:"ranges"`
			} `json:"affected"`
		}
		if err := json.Unmarshal(b, &rec); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, "ID", rec.ID+".json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		newest = max(newest, rec.Modified)
		for _, a := range rec.Affected {
			fixed := ""
			for _, r := range a.Ranges {
				for _, e := range r.Events {
					if e.Fixed != "" {
						fixed = e.Fixed
					}
				}
			}
			modules[a.Package.Name] = append(modules[a.Package.Name], vulnRef{rec.ID, rec.Modified, fixed})
		}
	})
	type modEntry struct {
		Path  string    `json:"path"`
		Vulns []vulnRef `json:"vulns"`
	}
	var mods []modEntry
	for _, p := range slices.Sorted(maps.Keys(modules)) {
		mods = append(mods, modEntry{p, modules[p]})
	}
	writeJSON(t, filepath.Join(dir, "index", "modules.json"), mods)
	writeJSON(t, filepath.Join(dir, "index", "db.json"), map[string]string{"modified": newest})
	return dir
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// peer returns the path of a peer tool built by ../shared/peers/build.sh,
// or reports it Unavailable.
func peer(t *testing.T, name string) string {
	t.Helper()
	home, _ := os.UserHomeDir()
	p := filepath.Join(home, ".cache", "bulwark-peers", "bin", name)
	if _, err := os.Stat(p); err != nil {
		testbed.Unavailable(t, name, "not built: run ../shared/peers/build.sh %s", name)
	}
	return p
}

// TestGoAgainstGovulncheck compares Bulwark's findings on a Go binary with
// govulncheck's, in binary mode at module level, on the same Go records.
func TestGoAgainstGovulncheck(t *testing.T) {
	vd := testbed.Vulndata(t)
	gv := peer(t, "govulncheck")
	bin := goVulnBinary(t)
	zipPath := filepath.Join(vd, "Go", "all.zip")

	// govulncheck's verdicts: "module ID fixed".
	cmd := exec.Command(gv, "-mode", "binary", "-scan", "module", "-format", "json", "-db", "file://"+govulncheckDB(t, zipPath), bin)
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 { // 3: vulnerabilities found
			t.Fatalf("govulncheck: %v\n%s", err, out)
		}
	}
	var want []string
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var msg struct {
			Finding *struct {
				OSV          string `json:"osv"`
				FixedVersion string `json:"fixed_version"`
				Trace        []struct {
					Module string `json:"module"`
				} `json:"trace"`
			} `json:"finding"`
		}
		if err := dec.Decode(&msg); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("govulncheck output: %v", err)
		}
		if f := msg.Finding; f != nil && len(f.Trace) > 0 {
			want = append(want, f.Trace[0].Module+" "+f.OSV+" "+strings.TrimPrefix(f.FixedVersion, "v"))
		}
	}
	slices.Sort(want)
	want = slices.Compact(want)

	// Bulwark's.
	db := importDB(t, zipPath)
	dir := t.TempDir()
	if err := os.Link(bin, filepath.Join(dir, "app")); err != nil {
		copyFile(t, bin, filepath.Join(dir, "app"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := sbom.CatalogDir(ctx, dir, sbom.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := match.Match(ctx, db, s.Packages, match.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range res.Vulnerabilities {
		got = append(got, v.Package.Name+" "+v.ID+" "+strings.TrimPrefix(v.Fixed, "v"))
	}
	slices.Sort(got)
	got = slices.Compact(got)
	if len(want) == 0 {
		t.Fatal("govulncheck found nothing: the test program is wrong")
	}
	if !slices.Equal(got, want) {
		t.Errorf("Bulwark and govulncheck differ (got = Bulwark):\n%s", diffLists(got, want))
	}
	t.Logf("Go binary: govulncheck %d findings, Bulwark %d", len(want), len(got))
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o755); err != nil {
		t.Fatal(err)
	}
}
