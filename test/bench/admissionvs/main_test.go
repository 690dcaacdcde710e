package main

import (
	"context"
	"testing"
	"time"
)

// TestRun runs the whole comparison briefly, so that the harness (its
// verdict checks on both sides, TLS serving, both load shapes) keeps
// working between the runs whose figures the README quotes.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("short: the comparison takes a few seconds")
	}
	err := run(context.Background(), "../../../internal/admission/testdata/bench-deployment.yaml", "testdata/gatekeeper",
		300*time.Millisecond, 200, 4)
	if err != nil {
		t.Fatal(err)
	}
}
