// Command vulnvs scans one image for vulnerabilities with Bulwark and with
// osv-scanner, offline, on the same advisory data, side by side in one run:
// findings per ecosystem, median wall time and peak RSS of each, their
// ratios, and the share of Bulwark's scan spent matching.
//
// The image is the official Alpine 3.10.3 minirootfs plus an application
// layer with a Go binary built against vulnerable modules, a Python
// requirements file, a Cargo.lock and an installed npm tree (made by
// `go test ./test/e2e`). The data is ../shared/vulndata's Go, PyPI,
// crates.io and npm exports and Alpine's v3.10 secdb, converted to OSV
// records so that both tools read the same thing.
//
//	go run ./test/bench/vulnvs -runs 5
package main

import (
	"archive/tar"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/match"
	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/vulndb"
	"github.com/bulwarksec/bulwark/test/bench/benchrun"
)

func main() {
	home, _ := os.UserHomeDir()
	runs := flag.Int("runs", 5, "runs of each tool; medians are reported")
	osv := flag.String("osv-scanner", filepath.Join(home, ".cache/bulwark-peers/bin/osv-scanner"), "osv-scanner binary (../shared/peers/build.sh osv-scanner)")
	vd := flag.String("vulndata", "../shared/vulndata", "the shared advisory data")
	flag.Parse()
	if err := run(*runs, *osv, *vd); err != nil {
		fmt.Fprintln(os.Stderr, "vulnvs:", err)
		os.Exit(1)
	}
}

func run(runs int, osv, vd string) error {
	home, _ := os.UserHomeDir()
	cache := filepath.Join(home, ".cache", "bulwark-ci")
	tmp, err := os.MkdirTemp("", "vulnvs-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bulwark, err := benchrun.BuildBulwark(tmp)
	if err != nil {
		return err
	}
	img := filepath.Join(cache, "vulnvs-image.tar")
	if _, err := os.Stat(img); err != nil {
		if err := buildImage(img, cache); err != nil {
			return fmt.Errorf("image: %w", err)
		}
	}
	// The same data for both: OSV zips in osv-scanner's layout, imported
	// into Bulwark's database once (warm).
	osvDB := filepath.Join(tmp, "osvdb")
	var zips []string
	for _, eco := range []string{"Go", "PyPI", "crates.io", "npm"} {
		zips = append(zips, filepath.Join(vd, eco, "all.zip"))
		if err := place(osvDB, eco, filepath.Join(vd, eco, "all.zip")); err != nil {
			return err
		}
	}
	alpineZip := filepath.Join(tmp, "alpine-v3.10.zip")
	if err := secdbToOSV(alpineZip, filepath.Join(vd, "alpine/v3.10/main.json"), filepath.Join(vd, "alpine/v3.10/community.json")); err != nil {
		return err
	}
	if err := place(osvDB, "Alpine", alpineZip); err != nil {
		return err
	}
	zips = append(zips, alpineZip)
	bdb := filepath.Join(tmp, "bulwarkdb")
	if _, err := vulndb.ImportFiles(context.Background(), bdb, zips); err != nil {
		return err
	}

	target := "docker-archive:" + img
	tools := map[string][]string{
		"bulwark":     {bulwark, "image", target, "--db-dir", bdb, "--offline", "-q", "-f", "json", "-o", filepath.Join(tmp, "bulwark.json")},
		"osv-scanner": {osv, "scan", "image", "--archive", img, "--offline", "--offline-vulnerabilities", "--local-db-path", osvDB, "--format", "json", "--output-file", filepath.Join(tmp, "osv.json")},
	}
	order := []string{"bulwark", "osv-scanner"}
	if _, err := os.Stat(osv); err != nil {
		fmt.Printf("osv-scanner not found at %s: measuring Bulwark alone\n", osv)
		order = order[:1]
	}
	wall, rss := map[string][]time.Duration{}, map[string][]int64{}
	var catalogT, matchT []time.Duration
	for i := 0; i < runs; i++ {
		for _, n := range order {
			w, r, err := benchrun.Measure(tools[n], 1)
			if err != nil {
				return fmt.Errorf("%s: %w", n, err)
			}
			wall[n], rss[n] = append(wall[n], w), append(rss[n], r)
		}
		c, m, err := inProcess(target, bdb)
		if err != nil {
			return err
		}
		catalogT, matchT = append(catalogT, c), append(matchT, m)
	}
	bIDs := idsBulwark(filepath.Join(tmp, "bulwark.json"))
	found := map[string]map[string]int{"bulwark": count(bIDs)}
	var oIDs map[string][]string
	if len(order) > 1 {
		oIDs = idsOSV(filepath.Join(tmp, "osv.json"))
		found["osv-scanner"] = count(oIDs)
	}
	fmt.Printf("image: Alpine 3.10.3 + Go binary, requirements.txt, Cargo.lock, npm tree; %d runs each, interleaved\n\n", runs)
	ecos := map[string]bool{}
	for _, m := range found {
		for e := range m {
			ecos[e] = true
		}
	}
	names := make([]string, 0, len(ecos))
	for e := range ecos {
		names = append(names, e)
	}
	sort.Strings(names)
	fmt.Printf("%-14s %8s %12s\n", "findings", "bulwark", "osv-scanner")
	for _, e := range names {
		fmt.Printf("%-14s %8d %12d\n", e, found["bulwark"][e], found["osv-scanner"][e])
	}
	for _, e := range names {
		if oIDs == nil || len(oIDs[e]) == 0 {
			continue // osv-scanner does not look there (lockfiles inside images)
		}
		if only := minus(bIDs[e], oIDs[e]); len(only) > 0 {
			fmt.Printf("  %s only bulwark: %v\n", e, only)
		}
		if only := minus(oIDs[e], bIDs[e]); len(only) > 0 {
			fmt.Printf("  %s only osv-scanner: %v\n", e, only)
		}
	}
	bw, br := benchrun.Median(wall["bulwark"]), benchrun.Median(rss["bulwark"])
	fmt.Printf("\n%-26s %10s %10s\n", "", "wall", "peak RSS")
	fmt.Printf("%-26s %10s %7d MiB\n", "bulwark", bw.Round(time.Millisecond), br/1024)
	if len(order) > 1 {
		ow, or := benchrun.Median(wall["osv-scanner"]), benchrun.Median(rss["osv-scanner"])
		fmt.Printf("%-26s %10s %7d MiB\n", "osv-scanner", ow.Round(time.Millisecond), or/1024)
		fmt.Printf("%-26s %9.2fx %9.2fx\n", "bulwark / osv-scanner", benchrun.Ratio(bw, ow), float64(br)/float64(or))
	}
	c, m := benchrun.Median(catalogT), benchrun.Median(matchT)
	fmt.Printf("\nin process: catalog %s, match %s: matching is %.1f%% of the scan\n",
		c.Round(time.Microsecond), m.Round(time.Microsecond), 100*float64(m)/float64(c+m))
	return nil
}

// inProcess times cataloging and matching separately.
func inProcess(target, dbDir string) (time.Duration, time.Duration, error) {
	t, err := image.ParseTarget(target)
	if err != nil {
		return 0, 0, err
	}
	ctx := context.Background()
	start := time.Now()
	s, err := sbom.FromTarget(ctx, t, sbom.TargetOptions{})
	if err != nil {
		return 0, 0, err
	}
	cat := time.Since(start)
	db, err := vulndb.Open(dbDir)
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	start = time.Now()
	if _, err := match.Match(ctx, db, s.Packages, match.Options{}); err != nil {
		return 0, 0, err
	}
	return cat, time.Since(start), nil
}

// idsBulwark lists "package@version ID" per ecosystem.
func idsBulwark(path string) map[string][]string {
	var doc struct {
		Findings []struct {
			RuleID        string `json:"ruleID"`
			Vulnerability struct {
				Package struct{ Ecosystem, Name, Version string } `json:"package"`
			} `json:"vulnerability"`
		} `json:"findings"`
	}
	readJSON(path, &doc)
	out := map[string][]string{}
	for _, f := range doc.Findings {
		p := f.Vulnerability.Package
		e := vulndb.BaseEcosystem(p.Ecosystem)
		out[e] = append(out[e], p.Name+"@"+strings.TrimPrefix(p.Version, "v")+" "+f.RuleID)
	}
	return out
}

func idsOSV(path string) map[string][]string {
	var doc struct {
		Results []struct {
			Packages []struct {
				Package struct {
					Name      string `json:"name"`
					Version   string `json:"version"`
					Ecosystem string `json:"ecosystem"`
				} `json:"package"`
				Vulnerabilities []struct {
					ID string `json:"id"`
				} `json:"vulnerabilities"`
			} `json:"packages"`
		} `json:"results"`
	}
	readJSON(path, &doc)
	out := map[string][]string{}
	for _, r := range doc.Results {
		for _, p := range r.Packages {
			e := vulndb.BaseEcosystem(p.Package.Ecosystem)
			for _, v := range p.Vulnerabilities {
				out[e] = append(out[e], p.Package.Name+"@"+strings.TrimPrefix(p.Package.Version, "v")+" "+v.ID)
			}
		}
	}
	return out
}

func count(ids map[string][]string) map[string]int {
	out := map[string]int{}
	for e, l := range ids {
		out[e] = len(l)
	}
	return out
}

// minus returns what a has and b does not.
func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

func readJSON(path string, v any) {
	if b, err := os.ReadFile(path); err == nil {
		json.Unmarshal(b, v)
	}
}

// place links a zip into osv-scanner's offline layout (both folder names
// its versions have used).
func place(dir, eco, zipPath string) error {
	abs, err := filepath.Abs(zipPath)
	if err != nil {
		return err
	}
	for _, sub := range []string{"osv-scanner", "osv-scalibr"} {
		d := filepath.Join(dir, sub, eco)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		if err := os.Symlink(abs, filepath.Join(d, "all.zip")); err != nil {
			return err
		}
	}
	return nil
}

// secdbToOSV writes Alpine secdb files as an OSV export zip.
func secdbToOSV(out string, files ...string) error {
	var advs []vulndb.Advisory
	for _, p := range files {
		r, err := os.Open(p)
		if err != nil {
			return err
		}
		a, _, err := vulndb.ParseAlpineSecDB(r, p)
		r.Close()
		if err != nil {
			return err
		}
		advs = append(advs, a...)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := vulndb.WriteOSVExport(f, advs); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// buildImage writes the benchmark image as a docker-archive.
func buildImage(out, cache string) error {
	alpine := "../shared/testbed/alpine/alpine-minirootfs-3.10.3-x86_64.tar.gz"
	base, err := tarball.LayerFromFile(alpine)
	if err != nil {
		return err
	}
	goBins, _ := filepath.Glob(filepath.Join(cache, "govuln-*", "app"))
	npmTrees, _ := filepath.Glob(filepath.Join(cache, "npm-tree-*"))
	if len(goBins) == 0 || len(npmTrees) == 0 {
		return fmt.Errorf("fixtures missing in %s: run `go test ./test/e2e ./internal/sbom` first", cache)
	}
	appTar := out + ".app"
	defer os.Remove(appTar)
	if err := writeAppLayer(appTar, goBins[0], npmTrees[0]); err != nil {
		return err
	}
	app, err := tarball.LayerFromFile(appTar)
	if err != nil {
		return err
	}
	img, err := mutate.AppendLayers(empty.Image, base, app)
	if err != nil {
		return err
	}
	ref, _ := name.NewTag("bulwark/vulnvs:latest")
	return tarball.WriteToFile(out, ref, img)
}

func writeAppLayer(out, goBin, npmTree string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	add := func(name string, mode int64, body []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: int64(len(body)), ModTime: time.Unix(0, 0)}); err != nil {
			return err
		}
		_, err := tw.Write(body)
		return err
	}
	bin, err := os.ReadFile(goBin)
	if err != nil {
		return err
	}
	if err := add("app/bin/server", 0o755, bin); err != nil {
		return err
	}
	if err := add("app/py/requirements.txt", 0o644, []byte("django==2.2.0\nrequests==2.19.0\nurllib3==1.24.1\njinja2==2.10\nPyYAML==5.1\nFlask==0.12\npillow==6.2.0\ncryptography==2.3\n")); err != nil {
		return err
	}
	if err := add("app/rust/Cargo.lock", 0o644, []byte(cargoLock)); err != nil {
		return err
	}
	err = filepath.WalkDir(npmTree, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(npmTree, p)
		r, err := os.Open(p)
		if err != nil {
			return err
		}
		defer r.Close()
		info, _ := d.Info()
		if err := tw.WriteHeader(&tar.Header{Name: "app/node/" + filepath.ToSlash(rel), Mode: 0o644, Size: info.Size(), ModTime: time.Unix(0, 0)}); err != nil {
			return err
		}
		_, err = io.Copy(tw, r)
		return err
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

const cargoLock = `version = 3

[[package]]
name = "chrono"
version = "0.4.19"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "hyper"
version = "0.14.10"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "smallvec"
version = "0.6.9"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "tokio"
version = "1.8.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
`
