package sbom

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

func TestComposerMatch(t *testing.T) {
	tests := map[string]bool{
		"composer.lock":                                true,
		"var/www/app/composer.lock":                    true,
		"vendor/composer/installed.json":               true,
		"var/www/app/vendor/composer/installed.json":   true,
		"var/www/app/vendor/acme/lib/composer.lock":    false,
		"vendor/acme/lib/composer.lock":                false,
		"var/www/app/composer.json":                    false,
		"var/www/app/vendor/composer/installed.php":    false,
		"var/www/app/composer/installed.json":          false,
		"var/www/app/myvendor/composer/installed.json": false,
	}
	checkMatch(t, newComposerCataloger(), tests)
}

// TestComposerRealFiles reads the composer.lock and installed.json that
// Composer 2.5 wrote installing three packages from path repositories, one
// of them a dev requirement.
func TestComposerRealFiles(t *testing.T) {
	pkgs, err := manifestRun(t, newComposerCataloger(), os.DirFS("testdata/composer/app"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range pkgs {
		got = append(got, p.Locations[0].Path+" "+p.PURL+" "+strings.Join(p.Licenses, ","))
		if p.Type != TypeComposer || p.Ecosystem != "Packagist" {
			t.Errorf("bad package %+v", p)
		}
	}
	want := []string{
		"composer.lock pkg:composer/acme/http-client@2.0.1 MIT,Apache-2.0",
		"composer.lock pkg:composer/acme/logger@1.2.0 MIT",
		"composer.lock pkg:composer/acme/testkit@0.3.0 BSD-3-Clause",
		"vendor/composer/installed.json pkg:composer/acme/http-client@2.0.1 MIT,Apache-2.0",
		"vendor/composer/installed.json pkg:composer/acme/logger@1.2.0 MIT",
		"vendor/composer/installed.json pkg:composer/acme/testkit@0.3.0 BSD-3-Clause",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// composerV1Installed is an installed.json as Composer 1 wrote it: a bare
// array.
const composerV1Installed = `[
    {
        "name": "monolog/monolog",
        "version": "1.25.1",
        "version_normalized": "1.25.1.0",
        "type": "library",
        "installation-source": "dist",
        "license": ["MIT"]
    },
    {
        "name": "symfony/polyfill-ctype",
        "version": "v1.12.0",
        "version_normalized": "1.12.0.0",
        "license": "MIT"
    }
]`

func TestComposerFormats(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string
	}{
		{"composer 1 installed.json", composerV1Installed, []string{"monolog/monolog@1.25.1", "symfony/polyfill-ctype@v1.12.0"}},
		{"no vendor or version", `{"packages": [{"name": "novendor", "version": "1.0"}, {"name": "a/b"}, {"name": "a/c", "version": "dev-main"}]}`, []string{"a/c@dev-main"}},
		{"empty", `{}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkgs, err := composerParse("vendor/composer/installed.json", []byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if got := manifestNameVersions(pkgs); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestComposerBadFileNamed(t *testing.T) {
	fsys := fstest.MapFS{
		"a/composer.lock": {Data: []byte(`{"packages": {}}`)},
		"b/composer.lock": {Data: []byte(`{"packages": [{"name": "a/b", "version": "1.0.0"}]}`)},
	}
	pkgs, err := manifestRun(t, newComposerCataloger(), fsys)
	if err == nil || !strings.Contains(err.Error(), "a/composer.lock") {
		t.Errorf("error %v does not name the bad file", err)
	}
	if len(pkgs) != 1 {
		t.Errorf("packages of the good file: %+v", pkgs)
	}
}

// TestComposerAgreesWithComposerShow has the real Composer install a
// project from local path repositories (no network) and checks that both
// files give what `composer show` lists.
func TestComposerAgreesWithComposerShow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs composer")
	}
	if _, err := exec.LookPath("composer"); err != nil {
		testbed.Unavailable(t, "composer", "not on PATH (apt-get install composer)")
	}
	dir := t.TempDir()
	composerWriteProject(t, dir)
	if out, err := composerRun(t, dir, "install"); err != nil {
		t.Fatalf("composer install: %v\n%s", err, out)
	}
	pkgs, err := manifestRun(t, newComposerCataloger(), os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	for file, args := range map[string][]string{
		"composer.lock":                  {"show", "--locked", "--format=json"},
		"vendor/composer/installed.json": {"show", "--format=json"},
	} {
		want := composerShow(t, dir, args...)
		var got []string
		for _, p := range pkgs {
			if p.Locations[0].Path == file {
				got = append(got, p.Name+"@"+p.Version)
			}
		}
		slices.Sort(got)
		t.Logf("%s: %d packages, composer show: %d", file, len(got), len(want))
		if !slices.Equal(got, want) {
			t.Errorf("%s differs from composer show:%s", file, manifestDiff(got, want))
		}
	}
}

// composerWriteProject lays out a project needing three local packages.
func composerWriteProject(t *testing.T, dir string) {
	t.Helper()
	files := map[string]string{
		"packages/logger/composer.json":  `{"name": "acme/logger", "version": "1.2.0", "license": "MIT"}`,
		"packages/http/composer.json":    `{"name": "acme/http-client", "version": "2.0.1", "require": {"acme/logger": "^1.0"}}`,
		"packages/testkit/composer.json": `{"name": "acme/testkit", "version": "0.3.0", "license": "BSD-3-Clause"}`,
		"composer.json": `{"name": "acme/app", "require": {"acme/http-client": "^2.0"},
			"require-dev": {"acme/testkit": "^0.3"},
			"repositories": [{"type": "path", "url": "packages/*", "options": {"symlink": false}}, {"packagist.org": false}]}`,
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// composerRun runs composer in dir with a private home, as root if need be.
func composerRun(t *testing.T, dir string, args ...string) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "composer", append(args, "--no-interaction")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "COMPOSER_HOME="+t.TempDir(), "COMPOSER_ALLOW_SUPERUSER=1")
	return cmd.Output()
}

// composerShow returns the sorted name@version `composer show` lists.
func composerShow(t *testing.T, dir string, args ...string) []string {
	t.Helper()
	out, err := composerRun(t, dir, args...)
	if err != nil {
		t.Fatalf("composer %v: %v", args, err)
	}
	var shown map[string][]struct{ Name, Version string }
	if err := json.Unmarshal(out, &shown); err != nil {
		t.Fatalf("composer show output: %v\n%s", err, out)
	}
	var all []string
	for _, list := range shown {
		for _, p := range list {
			all = append(all, p.Name+"@"+p.Version)
		}
	}
	slices.Sort(all)
	return all
}
