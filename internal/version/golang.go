package version

import "strings"

// Go orders Go module versions and Go toolchain (standard library)
// versions on one line.
//
// Module versions follow golang.org/x/mod/semver, except that the leading
// "v" is optional because the Go vulnerability database writes "1.2.3":
// "v1.2.3", "1.2.3", the shorthands "v1" and "v1.2" (read as v1.0.0 and
// v1.2.0), pseudo-versions (which are prereleases) and "+incompatible"
// (build metadata, ignored). Numbers may not have leading zeros.
//
// Toolchain versions are those of go/version and `go version -m`: "go1",
// "go1.21", "go1.21.3", "go1.21rc2", with a custom "-suffix" or a
// " X:experiment" tail ignored. They become the semantic versions the Go
// vulnerability database files the standard library under: "go1.21rc2" is
// 1.21.0-rc.2 and "go1.20" is 1.20.0. That agrees with go/version everywhere
// but one place: go/version reads "go1.21" and later minor versions without
// a patch as language versions that sort before "go1.21rc1", while Go
// releases before 1.21 were named that way and toolchains since report
// "go1.21.0", so here "go1.N" is the release 1.N.0.
type Go struct{}

var _ Scheme = Go{}

// Name returns "go".
func (Go) Name() string { return "go" }

// Parse reads s as a Go module or toolchain version.
func (Go) Parse(s string) (Version, error) {
	v := &goVersion{raw: s}
	var reason string
	if t, ok := strings.CutPrefix(s, "go"); ok {
		reason = v.parseToolchain(t)
	} else {
		reason = v.parseModule(strings.TrimPrefix(s, "v"))
	}
	if reason != "" {
		return nil, &ParseError{Scheme: "go", Input: s, Reason: reason}
	}
	return v, nil
}

// goVersion is one parsed Go version.
type goVersion struct {
	raw  string
	core semverCore
}

func (v *goVersion) String() string { return v.raw }

// Compare orders v and o as golang.org/x/mod/semver does.
func (v *goVersion) Compare(o Version) int {
	w, ok := o.(*goVersion)
	if !ok {
		mismatch(v, o)
	}
	return v.core.compare(&w.core)
}

// parseModule reads MAJOR[.MINOR[.PATCH[-PRE][+BUILD]]] as x/mod/semver
// does after its "v".
func (v *goVersion) parseModule(s string) string {
	c := &v.core
	s, msg := c.cutMajorMinor(s, "want [v]MAJOR[.MINOR[.PATCH]] without leading zeros")
	if msg != "" || s == "" {
		return msg
	}
	if s[0] != '.' {
		return "want \".PATCH\" after the minor version"
	}
	var ok bool
	if c.patch, s, ok = goCutInt(s[1:]); !ok {
		return "bad patch version"
	}
	return c.parseTail(s)
}

// cutMajorMinor reads MAJOR[.MINOR] off the front of s into c (what is
// missing is 0) and returns the rest, or why s is not a version.
func (c *semverCore) cutMajorMinor(s, wantMajor string) (rest, msg string) {
	c.minor, c.patch = "0", "0"
	var ok bool
	if c.major, s, ok = goCutInt(s); !ok {
		return "", wantMajor
	}
	if s == "" {
		return "", ""
	}
	if s[0] != '.' {
		return "", "want \".MINOR\" after the major version"
	}
	if c.minor, s, ok = goCutInt(s[1:]); !ok {
		return "", "bad minor version"
	}
	return s, ""
}

// parseToolchain reads what follows "go" in a toolchain version:
// MAJOR[.MINOR[.PATCH | KIND[N]]].
func (v *goVersion) parseToolchain(s string) string {
	s, _, _ = strings.Cut(s, " ")
	s, _, _ = strings.Cut(s, "-")
	c := &v.core
	s, msg := c.cutMajorMinor(s, "want goMAJOR[.MINOR[.PATCH]]")
	if msg != "" || s == "" {
		return msg
	}
	if s[0] == '.' {
		var ok bool
		if c.patch, s, ok = goCutInt(s[1:]); !ok || s != "" {
			return "bad patch version"
		}
		return ""
	}
	return c.parseToolchainPre(s)
}

// parseToolchainPre reads a prerelease such as "rc2" or "beta1" into the
// SemVer form "rc.2" the vulnerability database uses.
func (c *semverCore) parseToolchainPre(s string) string {
	i := 0
	for i < len(s) && 'a' <= s[i] && s[i] <= 'z' {
		i++
	}
	if i == 0 {
		return "want a prerelease such as rc1 after the minor version"
	}
	kind, n := s[:i], s[i:]
	if n == "" {
		c.pre = kind
		return ""
	}
	num, rest, ok := goCutInt(n)
	if !ok || rest != "" {
		return "bad prerelease number"
	}
	c.pre = kind + "." + num
	return ""
}

// goCutInt cuts a decimal number without leading zeros off the front of s.
func goCutInt(s string) (num, rest string, ok bool) {
	n := langDigitRun(s)
	if n == 0 || s[0] == '0' && n > 1 {
		return "", s, false
	}
	return s[:n], s[n:], true
}
