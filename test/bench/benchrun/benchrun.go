// Package benchrun holds what the side-by-side benchmark commands share:
// building Bulwark, timing a command with its peak memory, medians.
package benchrun

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// BuildBulwark builds the binary of the working directory's tree into dir.
func BuildBulwark(dir string) (string, error) { return BuildBulwarkIn(".", dir) }

// BuildBulwarkIn builds the binary of the source tree at src into dir.
func BuildBulwarkIn(src, dir string) (string, error) {
	bin, err := filepath.Abs(filepath.Join(dir, "bulwark"))
	if err != nil {
		return "", err
	}
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/bulwark")
	cmd.Dir = src
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build bulwark in %s: %v: %s", src, err, out)
	}
	return bin, nil
}

// Sample is one measured run: wall time, CPU time (user + system, the
// tool's children included) and peak RSS in KiB.
type Sample struct {
	Wall, CPU time.Duration
	RSS       int64
}

// Measure runs args and returns its wall time and peak RSS in KiB. Exit
// codes listed in ok (a scanner's "findings" status) are not errors.
func Measure(args []string, ok ...int) (time.Duration, int64, error) {
	s, err := Run(args, ok...)
	return s.Wall, s.RSS, err
}

// Run runs args and measures it. Exit codes listed in ok are not errors.
//
// The peak RSS comes from GNU time when it is installed: a child started
// straight from this process inherits this process's own peak in
// ru_maxrss (Linux counts the parent's memory at exec after a vfork), so
// in-process work here would inflate every tool's figure.
func Run(args []string, ok ...int) (Sample, error) {
	var rssFile string
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		f, err := os.CreateTemp("", "benchrun-rss-*")
		if err != nil {
			return Sample{}, err
		}
		rssFile = f.Name()
		f.Close()
		defer os.Remove(rssFile)
		args = append([]string{"/usr/bin/time", "-q", "-f", "%M", "-o", rssFile}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "SYFT_CHECK_FOR_APP_UPDATE=false")
	cmd.Stderr = os.Stderr
	start := time.Now()
	err := cmd.Run()
	s := Sample{Wall: time.Since(start)}
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && slices.Contains(ok, ee.ExitCode())) {
		return Sample{}, err
	}
	// The rusage of a reaped process counts the children it reaped: GNU
	// time's includes the tool's.
	s.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if rssFile != "" {
		if s.RSS, err = readPeakRSS(rssFile); err != nil {
			return Sample{}, err
		}
	} else if ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage); ru != nil {
		s.RSS = ru.Maxrss
	}
	return s, nil
}

// readPeakRSS reads the %M that GNU time wrote.
func readPeakRSS(name string) (int64, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return 0, err
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return 0, fmt.Errorf("no peak RSS from GNU time: %q", b)
	}
	rss, err := strconv.ParseInt(fields[len(fields)-1], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("peak RSS from GNU time: %w", err)
	}
	return rss, nil
}

// Median of xs (the upper middle for an even count).
func Median[T int64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// Ratio is a / b.
func Ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

// ReadJSON decodes a tool's JSON report at path into v; a report that is
// missing or does not parse is an error, so a failed run cannot pass for
// one that found nothing.
func ReadJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read report: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("parse %s: %w", path, err)
	}
	return nil
}
