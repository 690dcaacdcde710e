package workload

import (
	"fmt"
	"regexp"
)

// compileRegex compiles a parameter pattern with Go's RE2 syntax, which
// is the syntax of Rego's regex.match that Azure's templates use. It is
// compiled per evaluation: a few microseconds, and no package state.
func compileRegex(name, pattern string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("parameter %s: %w", name, err)
	}
	return re, nil
}
