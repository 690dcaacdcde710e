package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/match"
	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/testbed"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// osvScannerDB lays ecosystems of vulndata out as osv-scanner's offline
// database (both the osv-scanner and the osv-scalibr folder names).
func osvScannerDB(t *testing.T, vd string, ecosystems ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, e := range ecosystems {
		for _, sub := range []string{"osv-scanner", "osv-scalibr"} {
			d := filepath.Join(dir, sub, e)
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(filepath.Join(vd, e, "all.zip"), filepath.Join(d, "all.zip")); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// osvScannerFindings runs osv-scanner offline on a lockfile or directory
// and returns "package ID" pairs.
func osvScannerFindings(t *testing.T, bin, db string, args ...string) []string {
	t.Helper()
	full := append([]string{"scan", "source", "--offline", "--offline-vulnerabilities", "--local-db-path", db, "--format", "json"}, args...)
	cmd := exec.Command(bin, full...)
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 { // 1: vulnerabilities found
			t.Fatalf("osv-scanner %v: %v\n%s", args, err, out)
		}
	}
	var doc struct {
		Results []struct {
			Packages []struct {
				Package struct {
					Name, Version, Ecosystem string
				} `json:"package"`
				Vulnerabilities []struct {
					ID string `json:"id"`
				} `json:"vulnerabilities"`
			} `json:"packages"`
		} `json:"results"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("osv-scanner output: %v\n%s", err, out)
	}
	var pairs []string
	for _, r := range doc.Results {
		for _, p := range r.Packages {
			for _, v := range p.Vulnerabilities {
				pairs = append(pairs, strings.ToLower(p.Package.Name)+"@"+p.Package.Version+" "+v.ID)
			}
		}
	}
	slices.Sort(pairs)
	return slices.Compact(pairs)
}

// bulwarkFindings catalogs dir and matches it, returning "package ID".
func bulwarkFindings(t *testing.T, dir string, db match.Source, opts match.Options) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := sbom.CatalogDir(ctx, dir, sbom.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := match.Match(ctx, db, s.Packages, opts)
	if err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for _, v := range res.Vulnerabilities {
		pairs = append(pairs, strings.ToLower(v.Package.Name)+"@"+v.Package.Version+" "+v.ID)
	}
	slices.Sort(pairs)
	return slices.Compact(pairs)
}

// TestLockfilesAgainstOSVScanner compares Bulwark with osv-scanner, offline
// on the same OSV records, on lockfiles of three ecosystems and on the
// installed npm tree and Python packages of the test bed.
func TestLockfilesAgainstOSVScanner(t *testing.T) {
	vd := testbed.Vulndata(t)
	osv := peer(t, "osv-scanner")
	ecos := []string{"PyPI", "crates.io", "npm", "Go"}
	odb := osvScannerDB(t, vd, ecos...)
	var zips []string
	for _, e := range ecos {
		zips = append(zips, filepath.Join(vd, e, "all.zip"))
	}
	db := importDB(t, zips...)

	cases := map[string]map[string]string{
		"requirements": {"requirements.txt": "django==2.2.0\nrequests==2.19.0\nurllib3==1.24.1\njinja2==2.10\nPyYAML==5.1\nFlask==0.12\npillow==6.2.0\ncryptography==2.3\nnumpy==1.16.0\nparamiko==2.4.0\n"},
		"cargo":        {"Cargo.lock": cargoLock},
		"npm":          {"package-lock.json": npmLock},
	}
	for name, files := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			var lock string
			for f, body := range files {
				lock = filepath.Join(dir, f)
				if err := os.WriteFile(lock, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := osvScannerFindings(t, osv, odb, "-L", lock)
			got := bulwarkFindings(t, dir, db, match.Options{})
			compareWithPeer(t, "osv-scanner", got, want, osvScannerKnown)
		})
	}
}

// osvScannerKnown are the findings where Bulwark and osv-scanner 2.5.1
// disagree, each explained; every one must still occur (or it is removed).
var osvScannerKnown = map[string]string{
	// The record's ECOSYSTEM range is introduced 2.2, fixed 2.2.10, and its
	// versions list names "2.2". PEP 440 makes 2.2.0 and 2.2 the same
	// version (osv-scanner itself reports it for "django==2.2" and
	// "django==2.2.1"), so Bulwark reports it for "django==2.2.0" too.
	"django@2.2.0 PYSEC-2020-35": "bulwark",
}

// compareWithPeer requires the same findings as a peer, and at least one,
// apart from known differences (finding -> which side has it).
func compareWithPeer(t *testing.T, peer string, got, want []string, known map[string]string) {
	t.Helper()
	if len(want) == 0 {
		t.Fatalf("%s found nothing: the input is wrong", peer)
	}
	g, w := slices.Clone(got), slices.Clone(want)
	explained := 0
	for f, side := range known {
		inG, inW := slices.Contains(g, f), slices.Contains(w, f)
		switch {
		case side == "bulwark" && inG && !inW:
			g = slices.DeleteFunc(g, func(s string) bool { return s == f })
			explained++
		case side == peer && inW && !inG:
			w = slices.DeleteFunc(w, func(s string) bool { return s == f })
			explained++
		}
	}
	if !slices.Equal(g, w) {
		t.Errorf("Bulwark and %s differ (got = Bulwark):\n%s", peer, diffLists(g, w))
	}
	t.Logf("%s %d findings, Bulwark %d, %d known differences", peer, len(want), len(got), explained)
}

// cargoLock pins crates at versions with RustSec advisories.
const cargoLock = `# This file is automatically @generated by Cargo.
# It is not intended for manual editing.
version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "chrono",
 "hyper",
 "regex",
 "smallvec",
 "time",
 "tokio",
]

[[package]]
name = "chrono"
version = "0.4.19"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "hyper"
version = "0.14.10"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "regex"
version = "1.5.4"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "smallvec"
version = "0.6.9"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "time"
version = "0.1.43"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "tokio"
version = "1.8.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
`

// npmLock is a package-lock v3 with minimist 1.2.5, the package of the
// npm sample record (GHSA-xvch-5gv4-984h), beside packages it does not
// name.
const npmLock = `{
  "name": "app",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {"name": "app", "version": "1.0.0", "dependencies": {"minimist": "1.2.5", "lodash": "4.17.20"}},
    "node_modules/lodash": {"version": "4.17.20", "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz"},
    "node_modules/minimist": {"version": "1.2.5", "resolved": "https://registry.npmjs.org/minimist/-/minimist-1.2.5.tgz"}
  }
}
`

// TestSitePackagesAgainstOSVScanner compares the installed Python
// distributions of the test bed's Debian rootfs (real dist-info and
// egg-info directories that Debian's python3-* packages install) with
// osv-scanner's wheel/egg extractor. Inside the rootfs those packages
// belong to Debian packages and are, by default, matched through Debian's
// advisories only: with MatchOwned they are matched as PyPI packages too.
func TestSitePackagesAgainstOSVScanner(t *testing.T) {
	vd := testbed.Vulndata(t)
	osv := peer(t, "osv-scanner")
	root := testbed.DebianLangsRootfs(t)
	site := filepath.Join(root, "usr", "lib", "python3", "dist-packages")
	odb := osvScannerDB(t, vd, "PyPI")
	db := importDB(t, filepath.Join(vd, "PyPI", "all.zip"))

	want := osvScannerFindings(t, osv, odb, "-r", "--experimental-plugins", "python/wheelegg", site)
	got := bulwarkFindings(t, site, db, match.Options{})
	compareWithPeer(t, "osv-scanner", got, want, osvScannerKnown)

	// The whole rootfs: the same distributions, now owned by dpkg packages.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := sbom.CatalogDir(ctx, root, sbom.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, owned := range []bool{false, true} {
		res, err := match.Match(ctx, db, s.Packages, match.Options{MatchOwned: owned})
		if err != nil {
			t.Fatal(err)
		}
		var pypi []string
		for _, v := range res.Vulnerabilities {
			if v.Package.Ecosystem == "PyPI" {
				pypi = append(pypi, strings.ToLower(v.Package.Name)+"@"+v.Package.Version+" "+v.ID)
			}
		}
		slices.Sort(pypi)
		switch {
		case !owned && len(pypi) != 0:
			t.Errorf("owned Python packages matched as PyPI by default: %v", pypi)
		case owned && !slices.Equal(pypi, want):
			t.Errorf("with MatchOwned, the rootfs's PyPI findings differ from osv-scanner's on site-packages:\n%s", diffLists(pypi, want))
		}
		if !owned && res.Owned == 0 {
			t.Error("no package counted as owned")
		}
	}
}

// TestImageAgainstOSVScanner compares Bulwark and osv-scanner scanning the
// same image archive (Alpine 3.10.3 plus a Go binary built against
// vulnerable modules and a requirements.txt), offline, on the same data:
// the Go records, the PyPI records, and Alpine's v3.10 secdb written as
// OSV records for both. osv-scanner reads no lockfiles inside images, so
// PyPI is left out of the comparison.
func TestImageAgainstOSVScanner(t *testing.T) {
	vd := testbed.Vulndata(t)
	osv := peer(t, "osv-scanner")
	dir := t.TempDir()
	alpineZip := filepath.Join(dir, "alpine.zip")
	writeSecdbOSV(t, alpineZip, filepath.Join(vd, "alpine", "v3.10", "main.json"), filepath.Join(vd, "alpine", "v3.10", "community.json"))
	odb := osvScannerDB(t, vd, "Go", "PyPI")
	for _, sub := range []string{"osv-scanner", "osv-scalibr"} {
		os.MkdirAll(filepath.Join(odb, sub, "Alpine"), 0o755)
		os.Symlink(alpineZip, filepath.Join(odb, sub, "Alpine", "all.zip"))
	}
	db := importDB(t, filepath.Join(vd, "Go", "all.zip"), filepath.Join(vd, "PyPI", "all.zip"), alpineZip)

	archive := filepath.Join(dir, "image.tar")
	writeAppArchive(t, archive)
	out, err := exec.Command(osv, "scan", "image", "--archive", archive, "--offline", "--offline-vulnerabilities",
		"--local-db-path", odb, "--format", "json").Output()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("osv-scanner: %v", err)
	}
	var doc struct {
		Results []struct {
			Packages []struct {
				Package         struct{ Name, Version, Ecosystem string } `json:"package"`
				Vulnerabilities []struct {
					ID string `json:"id"`
				} `json:"vulnerabilities"`
			} `json:"packages"`
		} `json:"results"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("osv-scanner output: %v", err)
	}
	var want []string
	for _, r := range doc.Results {
		for _, p := range r.Packages {
			if vulndb.BaseEcosystem(p.Package.Ecosystem) == "PyPI" {
				continue
			}
			for _, v := range p.Vulnerabilities {
				want = append(want, p.Package.Name+"@"+strings.TrimPrefix(p.Package.Version, "v")+" "+v.ID)
			}
		}
	}
	slices.Sort(want)
	want = slices.Compact(want)

	tg, _ := image.ParseTarget("docker-archive:" + archive)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := sbom.FromTarget(ctx, tg, sbom.TargetOptions{Image: image.Options{TempDir: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := match.Match(ctx, db, s.Packages, match.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range res.Vulnerabilities {
		if v.Package.Ecosystem == "PyPI" {
			continue
		}
		got = append(got, v.Package.Name+"@"+strings.TrimPrefix(v.Package.Version, "v")+" "+v.ID)
	}
	slices.Sort(got)
	got = slices.Compact(got)
	compareWithPeer(t, "osv-scanner", got, want, map[string]string{
		// A Windows-only flaw (its Go record limits it with goos): govulncheck
		// and Bulwark leave it out for a Linux binary, osv-scanner does not.
		"golang.org/x/crypto@0.0.0-20200622213623-75b288015ac9 GO-2024-2961": "osv-scanner",
	})
}

// writeSecdbOSV writes Alpine secdb files as an OSV export zip.
func writeSecdbOSV(t *testing.T, out string, files ...string) {
	t.Helper()
	var advs []vulndb.Advisory
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		a, _, err := vulndb.ParseAlpineSecDB(f, p)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		advs = append(advs, a...)
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := vulndb.WriteOSVExport(f, advs); err != nil {
		t.Fatal(err)
	}
}
