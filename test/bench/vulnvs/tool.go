package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/bulwarksec/bulwark/test/bench/benchrun"
)

// tool is one row of the comparison: the commands one run executes in
// turn (their wall times add up, the peak RSS is the highest), the exit
// codes that mean success, and the report the last one writes.
type tool struct {
	name   string
	before func() error // untimed set-up of each run
	cmds   [][]string
	ok     []int
	report string
	parse  func(string) (map[string][]string, error)
	walls  []time.Duration
	rsss   []int64
}

// benchTools are Bulwark on its prepared database, Bulwark importing the
// data into a fresh database and then scanning (what osv-scanner does on
// every run: it loads its zips each time), and osv-scanner.
func benchTools(bulwark, osv, target, img, bdb, osvDB string, zips []string, tmp string) []*tool {
	report := filepath.Join(tmp, "bulwark.json")
	scan := func(db string) []string {
		return []string{bulwark, "image", target, "--db-dir", db, "--offline", "-q", "-f", "json", "-o", report}
	}
	fresh := filepath.Join(tmp, "freshdb")
	importCmd := append([]string{bulwark, "db", "import", "--db-dir", fresh, "-q"}, zips...)
	osvReport := filepath.Join(tmp, "osv.json")
	return []*tool{
		{name: "bulwark, prepared database", cmds: [][]string{scan(bdb)}, report: report, parse: idsBulwark},
		{name: "bulwark, db import + scan", before: func() error { return os.RemoveAll(fresh) },
			cmds: [][]string{importCmd, scan(fresh)}, report: report, parse: idsBulwark},
		// osv-scanner exits 1 when it reports vulnerabilities.
		{name: "osv-scanner", ok: []int{1}, report: osvReport, parse: idsOSV,
			cmds: [][]string{{osv, "scan", "image", "--archive", img, "--offline", "--offline-vulnerabilities", "--local-db-path", osvDB, "--format", "json", "--output-file", osvReport}}},
	}
}

// measure runs the tool once and returns the findings of its report. A
// command that fails, or a report that is missing or does not parse,
// fails the run.
func (tl *tool) measure() (map[string][]string, error) {
	if tl.before != nil {
		if err := tl.before(); err != nil {
			return nil, err
		}
	}
	if err := os.Remove(tl.report); err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	var wall time.Duration
	var rss int64
	for _, c := range tl.cmds {
		w, r, err := benchrun.Measure(c, tl.ok...)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(c[0])+" "+c[1], err)
		}
		wall, rss = wall+w, max(rss, r)
	}
	ids, err := tl.parse(tl.report)
	if err != nil {
		return nil, err
	}
	tl.walls, tl.rsss = append(tl.walls, wall), append(tl.rsss, rss)
	return ids, nil
}

func (tl *tool) wall() time.Duration { return benchrun.Median(tl.walls) }
func (tl *tool) rss() int64          { return benchrun.Median(tl.rsss) }
