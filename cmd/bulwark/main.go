// Command bulwark is Bulwark's one binary: it parses flags, wires the
// capability packages under internal/ together, and maps errors to exit
// codes. It holds no logic of its own.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes: 1 when the work failed (bad input, unreachable registry), 2 for
// a wrong command line.
const (
	exitFailure = 1
	exitUsage   = 2
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCommand().ExecuteContext(ctx)
	stop()
	var ec exitCode
	if errors.As(err, &ec) {
		os.Exit(ec.code) // findings over the line: the report says what
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bulwark:", err)
		var u usageError
		if errors.As(err, &u) {
			os.Exit(exitUsage)
		}
		os.Exit(exitFailure)
	}
}

// usageError marks a wrong command line.
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

// exitCode asks for a specific exit status without a message: a scan
// found what --fail-on or --exit-code asked to fail on.
type exitCode struct{ code int }

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", e.code) }
