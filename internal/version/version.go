// Package version orders version strings by the rules of each packaging
// scheme: dpkg, rpm, apk, semver, Go modules, PEP 440, Maven, RubyGems,
// NuGet and Composer. Each scheme is one file plus its test, listed in
// registry.go; each is checked against its upstream's own implementation
// or test vectors.
package version

import "fmt"

// Version is one parsed version of a scheme.
type Version interface {
	// Compare returns -1, 0 or +1 as v sorts before, equal to or after o.
	// o must have been parsed by the same Scheme; Compare panics otherwise.
	Compare(o Version) int
	// String returns the version as it was given.
	String() string
}

// Scheme parses the versions of one packaging system.
type Scheme interface {
	// Name is the scheme's short name ("dpkg", "rpm", "pep440", ...).
	Name() string
	// Parse reads s, or says why it is not a version of this scheme.
	Parse(s string) (Version, error)
}

// Compare parses a and b with s and compares them.
func Compare(s Scheme, a, b string) (int, error) {
	va, err := s.Parse(a)
	if err != nil {
		return 0, err
	}
	vb, err := s.Parse(b)
	if err != nil {
		return 0, err
	}
	return va.Compare(vb), nil
}

// ParseError says why a string is not a version of a scheme.
type ParseError struct {
	Scheme, Input, Reason string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s version %q: %s", e.Scheme, e.Input, e.Reason)
}

// mismatch panics when Compare is given versions of two schemes.
func mismatch(v, o Version) {
	panic(fmt.Sprintf("version: compare %T with %T", v, o))
}
