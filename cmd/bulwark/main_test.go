package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// runMainEnv makes the test binary run main() instead of the tests, so the
// tests see the real exit codes of the real command.
const runMainEnv = "BULWARK_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// result is what one run of the command gave.
type result struct {
	stdout, stderr string
	code           int
}

// bulwark runs the command with args in dir and returns its output and
// exit code.
func bulwark(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return bulwarkEnv(t, dir, nil, args...)
}

// bulwarkEnv is bulwark with more environment variables. Verdicts of
// `bulwark image` go to a temporary directory unless env says where.
func bulwarkEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), runMainEnv+"=1", "BULWARK_DB_DIR="+filepath.Join(dir, "no-db"), "BULWARK_VERDICT_DIR="+t.TempDir())
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("run bulwark %v: %v", args, err)
	}
	return result{out.String(), errb.String(), cmd.ProcessState.ExitCode()}
}

// fixtureDB imports the real npm advisory of ../shared/vulndata
// (GHSA-xvch-5gv4-984h, minimist before 1.2.6, critical 9.8) with
// `bulwark db import` and returns the database directory.
func fixtureDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "db")
	zip := filepath.Join(testbed.Vulndata(t), "npm", "all.zip")
	if r := bulwark(t, ".", "db", "import", "--db-dir", db, "-q", zip); r.code != 0 {
		t.Fatalf("db import: exit %d: %s", r.code, r.stderr)
	}
	return db
}
