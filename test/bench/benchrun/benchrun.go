// Package benchrun holds what the side-by-side benchmark commands share:
// building Bulwark, timing a command with its peak memory, medians.
package benchrun

import (
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

// Measure runs args and returns its wall time and peak RSS in KiB. Exit
// codes listed in ok (a scanner's "findings" status) are not errors.
//
// The peak RSS comes from GNU time when it is installed: a child started
// straight from this process inherits this process's own peak in
// ru_maxrss (Linux counts the parent's memory at exec after a vfork), so
// in-process work here would inflate every tool's figure.
func Measure(args []string, ok ...int) (time.Duration, int64, error) {
	var rssFile string
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		f, err := os.CreateTemp("", "benchrun-rss-*")
		if err != nil {
			return 0, 0, err
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
	wall := time.Since(start)
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && slices.Contains(ok, ee.ExitCode())) {
		return 0, 0, err
	}
	var rss int64
	if rssFile != "" {
		b, err := os.ReadFile(rssFile)
		if err != nil {
			return 0, 0, err
		}
		fields := strings.Fields(string(b))
		if len(fields) == 0 {
			return 0, 0, fmt.Errorf("no peak RSS from GNU time: %q", b)
		}
		if rss, err = strconv.ParseInt(fields[len(fields)-1], 10, 64); err != nil {
			return 0, 0, fmt.Errorf("peak RSS from GNU time: %w", err)
		}
	} else if ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage); ru != nil {
		rss = ru.Maxrss
	}
	return wall, rss, nil
}

// Median of xs (the upper middle for an even count).
func Median[T int64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// Ratio is a / b.
func Ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }
