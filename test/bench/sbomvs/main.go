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
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"syscall"
	"time"

	"github.com/bulwarksec/bulwark/internal/image"
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
	bulwark := filepath.Join(tmp, "bulwark")
	if out, err := exec.Command("go", "build", "-o", bulwark, "./cmd/bulwark").CombinedOutput(); err != nil {
		return fmt.Errorf("build bulwark: %v: %s", err, out)
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
			wall, rss, err := measure(args)
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

func measure(args []string) (time.Duration, int64, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "SYFT_CHECK_FOR_APP_UPDATE=false")
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, err
	}
	wall := time.Since(start)
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var rss int64
	if ru != nil {
		rss = ru.Maxrss
	}
	return wall, rss, nil
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

func median[T int64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
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
	fmt.Printf("%-28s %10s %7d MiB\n", "bulwark", median(b.wall).Round(time.Millisecond), median(b.rss)/1024)
	if s := res["syft"]; s != nil {
		fmt.Printf("%-28s %10s %7d MiB\n", "syft", median(s.wall).Round(time.Millisecond), median(s.rss)/1024)
		fmt.Printf("%-28s %9.2fx %9.2fx\n", "bulwark / syft", ratio(median(b.wall), median(s.wall)), float64(median(b.rss))/float64(median(s.rss)))
	}
	fmt.Printf("%-28s %10s\n", "floor (read layers)", median(floor.wall).Round(time.Millisecond))
	fmt.Printf("%-28s %9.2fx\n", "bulwark / floor", ratio(median(b.wall), median(floor.wall)))
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }
