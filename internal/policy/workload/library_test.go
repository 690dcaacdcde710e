package workload

import (
	"testing"

	"github.com/bulwarksec/bulwark/internal/policy/policytest"
)

func TestLibrary(t *testing.T) { policytest.RunLibrary(t, "testdata/library/*/cases.yaml", Rules()) }
