package pss

import (
	"testing"

	"github.com/bulwarksec/bulwark/internal/policy/policytest"
)

func TestRules(t *testing.T) { policytest.Run(t, "testdata/cases", Rules()) }
