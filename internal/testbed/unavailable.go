package testbed

import (
	"fmt"
	"os"
	"testing"
)

// CIEnv names the environment variable that .ci/run sets to 1. Under it a
// missing component fails the test instead of skipping it, so a green CI
// run means every integration test really ran.
const CIEnv = "BULWARK_CI"

// UnavailableMarker starts the message of every skip that Unavailable
// makes; test/skipreport reads it to tell a missing component from other
// skips.
const UnavailableMarker = "UNAVAILABLE"

// Unavailable ends the test because component (a real program, server,
// peer, reference tool or data set it needs) cannot be used here. Under CI
// (BULWARK_CI=1) it fails the test naming the component; elsewhere it skips
// it with a message "UNAVAILABLE <component>: <reason>".
func Unavailable(t testing.TB, component, format string, args ...any) {
	t.Helper()
	reason := fmt.Sprintf(format, args...)
	if InCI() {
		t.Fatalf("%s unavailable under CI: %s", component, reason)
	}
	t.Skipf("%s %s: %s", UnavailableMarker, component, reason)
}

// InCI reports whether the tests run under CI (BULWARK_CI=1).
func InCI() bool { return os.Getenv(CIEnv) == "1" }
