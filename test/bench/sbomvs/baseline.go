package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/bulwarksec/bulwark/test/bench/benchrun"
)

// buildBaseline builds Bulwark as it was at the git revision rev, from a
// copy of that revision's tree (git archive), into tmp.
func buildBaseline(tmp, rev string) (string, error) {
	src, tarball := filepath.Join(tmp, "baseline-src"), filepath.Join(tmp, "baseline.tar")
	if out, err := exec.Command("git", "archive", "-o", tarball, rev).CombinedOutput(); err != nil {
		return "", fmt.Errorf("git archive %s: %v: %s", rev, err, out)
	}
	if err := os.Mkdir(src, 0o755); err != nil {
		return "", err
	}
	if out, err := exec.Command("tar", "-xf", tarball, "-C", src).CombinedOutput(); err != nil {
		return "", fmt.Errorf("extract %s: %v: %s", rev, err, out)
	}
	dir := filepath.Join(tmp, "baseline")
	if err := os.Mkdir(dir, 0o755); err != nil {
		return "", err
	}
	return benchrun.BuildBulwarkIn(src, dir)
}
