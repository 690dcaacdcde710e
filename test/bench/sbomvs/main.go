// Command sbomvs scans one image with Bulwark and with syft, side by side in
// one run, and prints the packages each found per ecosystem, the median wall
// time and peak RSS of each over several runs, their ratios, and the floor:
// only reading (and decompressing) the image's layers.
//
//	go run ./test/bench/sbomvs -runs 5 [-target docker-archive:FILE] [-syft PATH]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/test/bench/benchrun"
)

func main() {
	home, _ := os.UserHomeDir()
	runs := flag.Int("runs", 5, "runs of each tool; medians are reported")
	target := flag.String("target", "docker-archive:"+filepath.Join(home, ".cache/bulwark-testbed/bookworm-langs.bulwark_debian-langs_bookworm.docker-archive.tar"),
		"image to scan (the default is made by `go test ./test/e2e`)")
	syft := flag.String("syft", filepath.Join(home, ".cache/bulwark-peers/bin/syft"), "syft binary (../shared/peers/build.sh syft)")
	flag.Parse()
	if err := run(*target, *syft, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "sbomvs:", err)
		os.Exit(1)
	}
}

type result struct {
	wall []time.Duration
	rss  []int64 // KiB
	pkgs map[string]int
}

func run(target, syft string, runs int) error {
	tmp, err := os.MkdirTemp("", "sbomvs-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bulwark, err := benchrun.BuildBulwark(tmp)
	if err != nil {
		return err
	}
	tools := map[string][]string{
		"bulwark": {bulwark, "sbom", target, "-q", "-f", "json", "-o", filepath.Join(tmp, "bulwark.json")},
	}
	if _, err := os.Stat(syft); err == nil {
		tools["syft"] = []string{syft, "scan", target, "-q", "-o", "syft-json=" + filepath.Join(tmp, "syft.json")}
	} else {
		fmt.Printf("syft not found at %s: measuring Bulwark alone\n", syft)
	}
	res := map[string]*result{}
	floor := &result{}
	for i := 0; i < runs; i++ {
		for _, name := range []string{"bulwark", "syft"} {
			args, ok := tools[name]
			if !ok {
				continue
			}
			if res[name] == nil {
				res[name] = &result{}
			}
			wall, rss, err := benchrun.Measure(args)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			res[name].wall = append(res[name].wall, wall)
			res[name].rss = append(res[name].rss, rss)
		}
		d, err := readLayers(target)
		if err != nil {
			return fmt.Errorf("floor: %w", err)
		}
		floor.wall = append(floor.wall, d)
	}
	res["bulwark"].pkgs, err = countBulwark(filepath.Join(tmp, "bulwark.json"))
	if err != nil {
		return err
	}
	if r := res["syft"]; r != nil {
		if r.pkgs, err = countSyft(filepath.Join(tmp, "syft.json")); err != nil {
			return err
		}
	}
	report(target, runs, res, floor)
	return nil
}

// readLayers is the floor: open the image and read every layer through
// its decompressor, doing nothing with the bytes.
func readLayers(target string) (time.Duration, error) {
	t, err := image.ParseTarget(target)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	ctx := context.Background()
	img, err := image.Open(ctx, t, image.Options{})
	if err != nil {
		return 0, err
	}
	defer img.Close()
	for _, l := range img.Layers {
		rc, err := l.Open(ctx)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, image.Decompress(rc))
		rc.Close()
		if err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

func countBulwark(path string) (map[string]int, error) {
	var doc struct{ Packages []struct{ Type string } }
	if err := readJSON(path, &doc); err != nil {
		return nil, err
	}
	m := map[string]int{}
	for _, p := range doc.Packages {
		m[ecosystem(p.Type)]++
	}
	return m, nil
}

func countSyft(path string) (map[string]int, error) {
	var doc struct{ Artifacts []struct{ Type string } }
	if err := readJSON(path, &doc); err != nil {
		return nil, err
	}
	m := map[string]int{}
	for _, a := range doc.Artifacts {
		m[ecosystem(a.Type)]++
	}
	return m, nil
}

// ecosystem maps both tools' package type names onto one vocabulary.
func ecosystem(t string) string {
	names := map[string]string{
		"deb": "deb", "apk": "apk", "rpm": "rpm", "golang": "go", "go-module": "go", "npm": "npm",
		"pypi": "python", "python": "python", "maven": "java", "java-archive": "java", "jenkins-plugin": "java",
		"gem": "ruby", "cargo": "rust", "rust-crate": "rust", "composer": "php", "php-composer": "php",
		"nuget": "dotnet", "dotnet": "dotnet",
	}
	if n, ok := names[t]; ok {
		return n
	}
	return "other:" + t
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func report(target string, runs int, res map[string]*result, floor *result) {
	fmt.Printf("target: %s, %d runs each, interleaved\n\n", target, runs)
	eco := map[string]bool{}
	for _, r := range res {
		for e := range r.pkgs {
			eco[e] = true
		}
	}
	names := make([]string, 0, len(eco))
	for e := range eco {
		names = append(names, e)
	}
	sort.Strings(names)
	fmt.Printf("%-12s %8s %8s\n", "ecosystem", "bulwark", "syft")
	for _, e := range names {
		s := "-"
		if r := res["syft"]; r != nil {
			s = fmt.Sprint(r.pkgs[e])
		}
		fmt.Printf("%-12s %8d %8s\n", e, res["bulwark"].pkgs[e], s)
	}
	b := res["bulwark"]
	fmt.Printf("\n%-28s %10s %10s\n", "", "wall", "peak RSS")
	fmt.Printf("%-28s %10s %7d MiB\n", "bulwark", benchrun.Median(b.wall).Round(time.Millisecond), benchrun.Median(b.rss)/1024)
	if s := res["syft"]; s != nil {
		fmt.Printf("%-28s %10s %7d MiB\n", "syft", benchrun.Median(s.wall).Round(time.Millisecond), benchrun.Median(s.rss)/1024)
		fmt.Printf("%-28s %9.2fx %9.2fx\n", "bulwark / syft", benchrun.Ratio(benchrun.Median(b.wall), benchrun.Median(s.wall)), float64(benchrun.Median(b.rss))/float64(benchrun.Median(s.rss)))
	}
	fmt.Printf("%-28s %10s\n", "floor (read layers)", benchrun.Median(floor.wall).Round(time.Millisecond))
	fmt.Printf("%-28s %9.2fx\n", "bulwark / floor", benchrun.Ratio(benchrun.Median(b.wall), benchrun.Median(floor.wall)))
}
