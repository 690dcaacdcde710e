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
// Bulwark is measured twice: on its prepared database (imported once
// beforehand, as after `bulwark db update`), and with `bulwark db import`
// of the same zips into a fresh database before each scan, since
// osv-scanner loads its zips on every run. A run that exits with an error
// (osv-scanner's 1 means "vulnerabilities found") or writes a report that
// does not parse fails the benchmark.
//
//	go run ./test/bench/vulnvs -runs 5
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/match"
	"github.com/bulwarksec/bulwark/internal/sbom"
	"github.com/bulwarksec/bulwark/internal/testbed"
	"github.com/bulwarksec/bulwark/internal/vulndb"
	"github.com/bulwarksec/bulwark/test/bench/benchrun"
)

func main() {
	home, _ := os.UserHomeDir()
	runs := flag.Int("runs", 5, "runs of each tool; medians are reported")
	osv := flag.String("osv-scanner", filepath.Join(home, ".cache/bulwark-peers/bin/osv-scanner"), "osv-scanner binary (../shared/peers/build.sh osv-scanner)")
	shared := flag.String("shared", testbed.SharedDir(), "the shared folder (its vulndata and testbed/alpine)")
	flag.Parse()
	if err := run(*runs, *osv, *shared); err != nil {
		fmt.Fprintln(os.Stderr, "vulnvs:", err)
		os.Exit(1)
	}
}

func run(runs int, osv, shared string) error {
	if shared == "" {
		return fmt.Errorf("no shared folder: pass -shared DIR")
	}
	vd := filepath.Join(shared, "vulndata")
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
		if err := buildImage(img, cache, filepath.Join(shared, "testbed/alpine/alpine-minirootfs-3.10.3-x86_64.tar.gz")); err != nil {
			return fmt.Errorf("image: %w", err)
		}
	}
	osvDB, zips, err := prepareData(tmp, vd)
	if err != nil {
		return err
	}
	// Bulwark's prepared database, imported once: what a scan reads after
	// `bulwark db update`.
	bdb := filepath.Join(tmp, "bulwarkdb")
	if _, err := vulndb.ImportFiles(context.Background(), bdb, zips); err != nil {
		return err
	}
	target := "docker-archive:" + img
	tools := benchTools(bulwark, osv, target, img, bdb, osvDB, zips, tmp)
	if _, err := os.Stat(osv); err != nil {
		fmt.Printf("osv-scanner not found at %s: measuring Bulwark alone\n", osv)
		tools = tools[:2]
	}
	var catalogT, matchT []time.Duration
	found := map[string]map[string][]string{}
	for i := 0; i < runs; i++ {
		for _, tl := range tools {
			ids, err := tl.measure()
			if err != nil {
				return fmt.Errorf("%s, run %d: %w", tl.name, i+1, err)
			}
			found[tl.name] = ids
		}
		c, m, err := inProcess(target, bdb)
		if err != nil {
			return err
		}
		catalogT, matchT = append(catalogT, c), append(matchT, m)
	}
	fmt.Printf("image: Alpine 3.10.3 + Go binary, requirements.txt, Cargo.lock, npm tree; %d runs each, interleaved\n\n", runs)
	printFindings(found[tools[0].name], found["osv-scanner"])
	printTimes(tools)
	c, m := benchrun.Median(catalogT), benchrun.Median(matchT)
	fmt.Printf("\nin process: catalog %s, match %s: matching is %.1f%% of the scan\n",
		c.Round(time.Microsecond), m.Round(time.Microsecond), 100*float64(m)/float64(c+m))
	return nil
}

// prepareData lays the same data out for both tools: OSV zips in
// osv-scanner's offline layout, and the list of them for Bulwark.
func prepareData(tmp, vd string) (string, []string, error) {
	osvDB := filepath.Join(tmp, "osvdb")
	var zips []string
	for _, eco := range []string{"Go", "PyPI", "crates.io", "npm"} {
		zips = append(zips, filepath.Join(vd, eco, "all.zip"))
		if err := place(osvDB, eco, filepath.Join(vd, eco, "all.zip")); err != nil {
			return "", nil, err
		}
	}
	alpineZip := filepath.Join(tmp, "alpine-v3.10.zip")
	if err := secdbToOSV(alpineZip, filepath.Join(vd, "alpine/v3.10/main.json"), filepath.Join(vd, "alpine/v3.10/community.json")); err != nil {
		return "", nil, err
	}
	if err := place(osvDB, "Alpine", alpineZip); err != nil {
		return "", nil, err
	}
	return osvDB, append(zips, alpineZip), nil
}

func printFindings(bIDs, oIDs map[string][]string) {
	ecos := map[string]bool{}
	for e := range bIDs {
		ecos[e] = true
	}
	for e := range oIDs {
		ecos[e] = true
	}
	names := make([]string, 0, len(ecos))
	for e := range ecos {
		names = append(names, e)
	}
	sort.Strings(names)
	bc, oc := count(bIDs), count(oIDs)
	fmt.Printf("%-14s %8s %12s\n", "findings", "bulwark", "osv-scanner")
	for _, e := range names {
		fmt.Printf("%-14s %8d %12d\n", e, bc[e], oc[e])
	}
	for _, e := range names {
		if len(oIDs[e]) == 0 {
			continue // osv-scanner does not look there (lockfiles inside images)
		}
		if only := minus(bIDs[e], oIDs[e]); len(only) > 0 {
			fmt.Printf("  %s only bulwark: %v\n", e, only)
		}
		if only := minus(oIDs[e], bIDs[e]); len(only) > 0 {
			fmt.Printf("  %s only osv-scanner: %v\n", e, only)
		}
	}
}

func printTimes(tools []*tool) {
	fmt.Printf("\n%-44s %10s %10s\n", "", "wall", "peak RSS")
	for _, tl := range tools {
		fmt.Printf("%-44s %10s %7d MiB\n", tl.name, tl.wall().Round(time.Millisecond), tl.rss()/1024)
	}
	if len(tools) < 3 {
		return
	}
	o := tools[2]
	for _, b := range tools[:2] {
		fmt.Printf("%-44s %9.2fx %9.2fx\n", b.name+" / osv-scanner", benchrun.Ratio(b.wall(), o.wall()), float64(b.rss())/float64(o.rss()))
	}
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
