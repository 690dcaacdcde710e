// Command skipreport reads `go test -json` on its standard input, prints
// what plain `go test` would (package results, build errors, failed tests'
// output), and ends with a table of every skipped test and its reason. It
// exits 1 when a test or a build failed, or when the input is not test
// events. test/all.sh pipes the whole test run through it.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "skipreport:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	s := newSummary(out)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			// go test prints some errors (a package that does not
			// exist) as plain text even with -json.
			fmt.Fprintln(out, sc.Text())
			s.failed = true
			continue
		}
		s.add(e)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read test events: %w", err)
	}
	s.table(out)
	if s.failed {
		return fmt.Errorf("tests failed")
	}
	return nil
}
