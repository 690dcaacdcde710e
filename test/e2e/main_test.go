package e2e

import (
	"os"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// TestMain stops the PostgreSQL server the tests share, if one started.
// The verdicts `bulwark image` records go to a directory of the run's own,
// not the user's cache.
func TestMain(m *testing.M) {
	verdicts, err := os.MkdirTemp("", "bulwark-e2e-verdicts-*")
	if err == nil {
		os.Setenv("BULWARK_VERDICT_DIR", verdicts)
	}
	code := m.Run()
	testbed.StopPostgres()
	if err == nil {
		os.RemoveAll(verdicts)
	}
	os.Exit(code)
}
