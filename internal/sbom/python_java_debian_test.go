package sbom

import (
	"archive/zip"
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// langDebianPackages are real Debian packages, written by people who never
// saw Bulwark, whose Python metadata and jars the tests below read.
var langDebianPackages = []string{
	"python3-requests", "python3-urllib3", "python3-certifi", "python3-idna", "python3-chardet",
	"libcommons-lang3-java", "libslf4j-java", "libjackson2-core-java", "libguava-java",
}

// langDebianTree downloads and unpacks langDebianPackages, each into its own
// directory of a cache under $HOME/.cache/bulwark-ci, with its Debian
// version beside it in <package>.version. It never installs anything.
func langDebianTree(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("skipped in -short mode: downloads Debian packages")
	}
	for _, tool := range []string{"apt-get", "dpkg-deb"} {
		if _, err := exec.LookPath(tool); err != nil {
			testbed.Unavailable(t, tool, "not installed, and this test reads real Debian packages")
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		testbed.Unavailable(t, "home directory", "for the package cache: %v", err)
	}
	sum := sha256.Sum256([]byte(strings.Join(langDebianPackages, " ")))
	dir := filepath.Join(home, ".cache", "bulwark-ci", "debian-lang-"+hex.EncodeToString(sum[:6]))
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		return dir
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "tmp-debian-lang-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	langUnpackDebs(t, tmp, langAptDownload(t, tmp))
	if err := os.WriteFile(filepath.Join(tmp, "complete"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, "complete")); statErr != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// langAptDownload fetches the .deb files into tmp/debs, with the system's
// package lists or else with fresh ones kept in tmp.
func langAptDownload(t *testing.T, tmp string) []string {
	t.Helper()
	debs := filepath.Join(tmp, "debs")
	if err := os.MkdirAll(debs, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := langRun(debs, "apt-get", append([]string{"download"}, langDebianPackages...)...); err != nil {
		lists, cache := filepath.Join(tmp, "lists"), filepath.Join(tmp, "cache")
		for _, d := range []string{lists + "/partial", cache + "/archives/partial"} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		opts := []string{"-o", "Dir::State::Lists=" + lists, "-o", "Dir::Cache=" + cache}
		if out2, err := langRun(debs, "apt-get", append(opts, "update")...); err != nil {
			testbed.Unavailable(t, "Debian mirror", "apt-get download failed (%s) and so did apt-get update (%s)", out, out2)
		}
		if out, err := langRun(debs, "apt-get", append(append(opts, "download"), langDebianPackages...)...); err != nil {
			testbed.Unavailable(t, "Debian mirror", "apt-get download failed: %s", out)
		}
	}
	files, err := filepath.Glob(filepath.Join(debs, "*.deb"))
	if err != nil || len(files) != len(langDebianPackages) {
		t.Fatalf("downloaded %v, want %d packages (%v)", files, len(langDebianPackages), err)
	}
	return files
}

// langUnpackDebs extracts each .deb into tmp/<package> and writes its
// version to tmp/<package>.version.
func langUnpackDebs(t *testing.T, tmp string, debs []string) {
	t.Helper()
	for _, deb := range debs {
		name, err := langRun("", "dpkg-deb", "-f", deb, "Package")
		if err != nil {
			t.Fatalf("dpkg-deb -f %s: %s", deb, name)
		}
		version, err := langRun("", "dpkg-deb", "-f", deb, "Version")
		if err != nil {
			t.Fatalf("dpkg-deb -f %s: %s", deb, version)
		}
		if out, err := langRun("", "dpkg-deb", "-x", deb, filepath.Join(tmp, name)); err != nil {
			t.Fatalf("dpkg-deb -x %s: %s", deb, out)
		}
		if err := os.WriteFile(filepath.Join(tmp, name+".version"), []byte(version), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// langRun runs a command in dir and returns its trimmed combined output.
func langRun(dir, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// langUpstreamVersion strips a Debian version's epoch, revision and
// repacking suffix: "1:2.28.1+dfsg-1" is upstream's "2.28.1".
func langUpstreamVersion(v string) string {
	if _, after, ok := strings.Cut(v, ":"); ok {
		v = after
	}
	if i := strings.LastIndexByte(v, '-'); i >= 0 {
		v = v[:i]
	}
	v, _, _ = strings.Cut(v, "+")
	return v
}

// langDebianVersion reads the version langUnpackDebs recorded for pkg.
func langDebianVersion(t *testing.T, root, pkg string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, pkg+".version"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPythonDebianPackages(t *testing.T) {
	root := langDebianTree(t)
	for _, deb := range langDebianPackages {
		if !strings.HasPrefix(deb, "python3-") {
			continue
		}
		t.Run(deb, func(t *testing.T) {
			dir := filepath.Join(root, deb)
			pkgs, err := langCatalogFS(t, newPythonInstalledCataloger(), os.DirFS(dir))
			if err != nil || len(pkgs) != 1 {
				t.Fatalf("got %+v, %v; want one distribution", pkgs, err)
			}
			p := pkgs[0]
			name, version := langReadMetadataHeaders(t, filepath.Join(dir, p.Locations[0].Path))
			upstream := langUpstreamVersion(langDebianVersion(t, root, deb))
			if p.Name != name || p.Version != version || p.Version != upstream {
				t.Errorf("got %s %s, metadata says %s %s, Debian says %s", p.Name, p.Version, name, version, upstream)
			}
			if want := "pkg:pypi/" + strings.ToLower(name) + "@" + version; p.PURL != want {
				t.Errorf("purl %s, want %s", p.PURL, want)
			}
			t.Logf("%s: %s %s %q at %s", deb, p.Name, p.Version, p.Licenses, p.Locations[0].Path)
		})
	}
}

// langReadMetadataHeaders reads Name and Version from core metadata with
// the standard library's RFC 5322 parser, independently of Bulwark's.
func langReadMetadataHeaders(t *testing.T, path string) (name, version string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	msg, err := mail.ReadMessage(bufio.NewReader(f))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return msg.Header.Get("Name"), msg.Header.Get("Version")
}

func TestJavaDebianPackages(t *testing.T) {
	root := langDebianTree(t)
	for _, deb := range langDebianPackages {
		if !strings.HasSuffix(deb, "-java") {
			continue
		}
		t.Run(deb, func(t *testing.T) {
			dir := filepath.Join(root, deb)
			pkgs, err := langCatalogFS(t, newJavaArchiveCataloger(), os.DirFS(dir))
			if err != nil {
				t.Fatal(err)
			}
			got := langGAVsByPath(pkgs)
			jars := langRegularJars(t, dir)
			if len(jars) == 0 || len(got) != len(jars) {
				t.Fatalf("packages at %d paths for %d jars: %v", len(got), len(jars), got)
			}
			upstream := langUpstreamVersion(langDebianVersion(t, root, deb))
			matched := false
			for _, jar := range jars {
				want := langReadPoms(t, filepath.Join(dir, jar))
				if !slices.Equal(got[jar], want) {
					t.Errorf("%s: got %q, pom.properties say %q", jar, got[jar], want)
				}
				matched = matched || slices.ContainsFunc(want, func(gav string) bool { return strings.Contains(gav, ":"+upstream) })
			}
			if !matched {
				t.Errorf("no jar has Debian's upstream version %s", upstream)
			}
			t.Logf("%s: %d jars: %v", deb, len(jars), got)
		})
	}
}

func TestJavaDebianNestedWar(t *testing.T) {
	root := langDebianTree(t)
	var entries []javaEntry
	want := map[string][]string{}
	for _, deb := range []string{"libguava-java", "libslf4j-java", "libcommons-lang3-java"} {
		dir := filepath.Join(root, deb)
		for _, jar := range langRegularJars(t, dir) {
			b, err := os.ReadFile(filepath.Join(dir, jar))
			if err != nil {
				t.Fatal(err)
			}
			inner := "WEB-INF/lib/" + filepath.Base(jar)
			entries = append(entries, javaEntry{inner, b})
			gavs := langReadPoms(t, filepath.Join(dir, jar))
			want["app.war:"+inner] = gavs
			want["app.ear:app.war:"+inner] = gavs
		}
	}
	war := javaZip(t, append(entries, javaEntry{"WEB-INF/web.xml", []byte("<web-app/>")})...)
	ear := javaZip(t, javaEntry{"app.war", war}, javaEntry{"META-INF/application.xml", []byte("<application/>")})
	dir := t.TempDir()
	for name, b := range map[string][]byte{"app.war": war, "app.ear": ear} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pkgs, err := langCatalogFS(t, newJavaArchiveCataloger(), os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	got := langGAVsByPath(pkgs)
	for loc, gavs := range want {
		if !slices.Equal(got[loc], gavs) {
			t.Errorf("%s: got %q, want %q", loc, got[loc], gavs)
		}
	}
	t.Logf("%d nested jar locations checked in a war and an ear", len(want))
}

// langGAVsByPath lists each location's packages as sorted group:artifact:version.
func langGAVsByPath(pkgs []Package) map[string][]string {
	got := map[string][]string{}
	for _, p := range pkgs {
		loc := p.Locations[0].Path
		got[loc] = append(got[loc], p.Metadata["groupId"]+":"+p.Name+":"+p.Version)
	}
	for _, v := range got {
		sort.Strings(v)
	}
	return got
}

// langRegularJars lists the jars under dir that are files, not the symbolic
// links Debian adds beside them.
func langRegularJars(t *testing.T, dir string) []string {
	t.Helper()
	var jars []string
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && strings.HasSuffix(p, ".jar") {
			jars = append(jars, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return jars
}

// langReadPoms reads group:artifact:version from every pom.properties in the
// jar at path, sorted, without Bulwark's parsers.
func langReadPoms(t *testing.T, path string) []string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var gavs []string
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, "/pom.properties") {
			continue
		}
		props := langReadKeyValues(t, f)
		gavs = append(gavs, props["groupId"]+":"+props["artifactId"]+":"+props["version"])
	}
	sort.Strings(gavs)
	return gavs
}

// langReadKeyValues reads the key=value lines of a zip entry.
func langReadKeyValues(t *testing.T, f *zip.File) map[string]string {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	props := map[string]string{}
	sc := bufio.NewScanner(rc)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok && !strings.HasPrefix(k, "#") {
			props[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return props
}
