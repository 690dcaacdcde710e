// Command sbomvs scans one image with Bulwark and with syft, side by side in
// one run, and prints the packages each found per ecosystem, the median wall
// time and peak RSS of each over several runs, their ratios, and two
// floors: only reading (and decompressing) the image's layers, and reading
// them through sha256 as a verifying scan must. Bulwark runs twice, with
// and without --skip-verify; -baseline REV adds Bulwark built from another
// git revision, so that before and after are measured in the same run.
// syft also runs twice: as it does by default, hashing and recording every
// file a package owns, and with SYFT_FILE_METADATA_SELECTION=none, which
// leaves that out as Bulwark does. A run that fails, or a report that is
// missing or does not parse, fails the benchmark.
//
//	go run ./test/bench/sbomvs -runs 5 [-target docker-archive:FILE] [-syft PATH] [-baseline main]
package main

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"syscall"
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
	baseline := flag.String("baseline", "", "also measure Bulwark built from this git revision (e.g. main)")
	flag.Parse()
	if err := run(*target, *syft, *baseline, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "sbomvs:", err)
		os.Exit(1)
	}
}

type result struct {
	wall, cpu []time.Duration
	rss       []int64 // KiB
	pkgs      map[string]int
}

// tool is one command measured, by the name it is reported under, with
// the report it writes and how to count its packages.
type tool struct {
	name  string
	args  []string
	out   string
	count func(string) (map[string]int, error)
}

// syftNoFiles names the syft run without file metadata.
const syftNoFiles = "syft, file metadata none"

func run(target, syft, baseline string, runs int) error {
	tmp, err := os.MkdirTemp("", "sbomvs-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	tools, err := buildTools(tmp, target, syft, baseline)
	if err != nil {
		return err
	}
	res := map[string]*result{}
	floors := map[string]*result{floorRead: {}, floorHash: {}}
	for i := 0; i < runs; i++ {
		for _, t := range tools {
			if res[t.name] == nil {
				res[t.name] = &result{}
			}
			if err := os.Remove(t.out); err != nil && !os.IsNotExist(err) {
				return err
			}
			m, err := benchrun.Run(t.args)
			if err != nil {
				return fmt.Errorf("%s, run %d: %w", t.name, i+1, err)
			}
			r := res[t.name]
			if r.pkgs, err = t.count(t.out); err != nil {
				return fmt.Errorf("%s, run %d: %w", t.name, i+1, err)
			}
			r.wall, r.cpu, r.rss = append(r.wall, m.Wall), append(r.cpu, m.CPU), append(r.rss, m.RSS)
		}
		for name, hash := range map[string]bool{floorRead: false, floorHash: true} {
			wall, cpu, err := readLayers(target, hash)
			if err != nil {
				return fmt.Errorf("floor: %w", err)
			}
			floors[name].wall, floors[name].cpu = append(floors[name].wall, wall), append(floors[name].cpu, cpu)
		}
	}
	report(target, runs, tools, res, floors)
	return nil
}

// buildTools builds Bulwark (and the baseline) and lists the commands to
// measure, Bulwark first.
func buildTools(tmp, target, syft, baseline string) ([]tool, error) {
	bulwark, err := benchrun.BuildBulwark(tmp)
	if err != nil {
		return nil, err
	}
	scan := func(name, bin, out string, extra ...string) tool {
		out = filepath.Join(tmp, out)
		return tool{name, append([]string{bin, "sbom", target, "-q", "-f", "json", "-o", out}, extra...), out, countBulwark}
	}
	tools := []tool{
		scan("bulwark", bulwark, "bulwark.json"),
		scan("bulwark --skip-verify", bulwark, "skip.json", "--skip-verify"),
	}
	if baseline != "" {
		bin, err := buildBaseline(tmp, baseline)
		if err != nil {
			return nil, err
		}
		tools = append(tools, scan("bulwark@"+baseline, bin, "baseline.json"))
	}
	if _, err := os.Stat(syft); err == nil {
		def, none := filepath.Join(tmp, "syft.json"), filepath.Join(tmp, "syft-none.json")
		tools = append(tools,
			tool{"syft", []string{syft, "scan", target, "-q", "-o", "syft-json=" + def}, def, countSyft},
			tool{syftNoFiles, []string{"env", "SYFT_FILE_METADATA_SELECTION=none", syft, "scan", target, "-q", "-o", "syft-json=" + none}, none, countSyft})
	} else {
		fmt.Printf("syft not found at %s: measuring Bulwark alone\n", syft)
	}
	return tools, nil
}

// The floors: reading every layer through its decompressor, and the same
// through sha256 as well.
const (
	floorRead = "floor (read layers)"
	floorHash = "floor (read + sha256)"
)

// readLayers is a floor: open the image and read every layer through its
// decompressor (and sha256, when hash is set), doing nothing else with the
// bytes. It returns the wall and CPU time this took.
func readLayers(target string, hash bool) (time.Duration, time.Duration, error) {
	t, err := image.ParseTarget(target)
	if err != nil {
		return 0, 0, err
	}
	start, cpu0 := time.Now(), processCPU()
	ctx := context.Background()
	img, err := image.Open(ctx, t, image.Options{})
	if err != nil {
		return 0, 0, err
	}
	defer img.Close()
	for _, l := range img.Layers {
		rc, err := l.Open(ctx)
		if err != nil {
			return 0, 0, err
		}
		var w io.Writer = io.Discard
		if hash {
			w = sha256.New()
		}
		_, err = io.Copy(w, image.Decompress(rc))
		rc.Close()
		if err != nil {
			return 0, 0, err
		}
	}
	return time.Since(start), processCPU() - cpu0, nil
}

// processCPU is the user and system time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func countBulwark(path string) (map[string]int, error) {
	var doc struct{ Packages []struct{ Type string } }
	if err := benchrun.ReadJSON(path, &doc); err != nil {
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
	if err := benchrun.ReadJSON(path, &doc); err != nil {
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

func report(target string, runs int, tools []tool, res map[string]*result, floors map[string]*result) {
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
	fmt.Printf("\n%-32s %10s %10s %10s %10s %10s\n", "", "wall", "cpu", "peak RSS", "/ read", "/ read+sha")
	read, hashed := benchrun.Median(floors[floorRead].wall), benchrun.Median(floors[floorHash].wall)
	for _, t := range tools {
		r := res[t.name]
		w := benchrun.Median(r.wall)
		fmt.Printf("%-32s %10s %10s %6d MiB %9.2fx %9.2fx\n", t.name, w.Round(time.Millisecond), benchrun.Median(r.cpu).Round(time.Millisecond),
			benchrun.Median(r.rss)/1024, benchrun.Ratio(w, read), benchrun.Ratio(w, hashed))
	}
	for _, name := range []string{floorRead, floorHash} {
		f := floors[name]
		fmt.Printf("%-32s %10s %10s\n", name, benchrun.Median(f.wall).Round(time.Millisecond), benchrun.Median(f.cpu).Round(time.Millisecond))
	}
	b := benchrun.Median(res["bulwark"].wall)
	for _, name := range []string{"syft", syftNoFiles} {
		if s := res[name]; s != nil {
			fmt.Printf("%-32s %9.2fx %9.2fx\n", "bulwark / "+name, benchrun.Ratio(b, benchrun.Median(s.wall)), float64(benchrun.Median(res["bulwark"].rss))/float64(benchrun.Median(s.rss)))
		}
	}
	fmt.Printf("%-32s %9.2fx\n", "bulwark / floor (read)", benchrun.Ratio(b, read))
}
