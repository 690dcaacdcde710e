package e2e

import (
	"os"
	"testing"

	"github.com/bulwarksec/bulwark/internal/testbed"
)

// TestMain stops the PostgreSQL server the tests share, if one started.
func TestMain(m *testing.M) {
	code := m.Run()
	testbed.StopPostgres()
	os.Exit(code)
}
