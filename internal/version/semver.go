package version

import (
	"strings"
)

// Semver is SemVer 2.0.0 as npm's node-semver reads it: the scheme of npm,
// crates.io, Bitnami and OSV's SEMVER ranges. It accepts a leading "v" as
// semver.valid does (but not white space), and two leniencies that real
// advisory data needs: leading zeros in the numeric core (Bitnami's
// "2018.08.18", which node-semver's loose mode reads as 2018.8.18) and the
// bare "0" that OSV writes for "introduced: 0", read as 0.0.0. Build
// metadata is kept in String but ignored by Compare.
type Semver struct{}

var _ Scheme = Semver{}

// Name returns "semver".
func (Semver) Name() string { return "semver" }

// semverMaxLength is node-semver's MAX_LENGTH: longer strings are refused.
const semverMaxLength = 256

// semverMaxCore is node-semver's MAX_SAFE_INTEGER bound on each of
// MAJOR, MINOR and PATCH (2^53-1, 16 digits).
const semverMaxCore = "9007199254740991"

// Parse reads s as a SemVer 2.0.0 version.
func (Semver) Parse(s string) (Version, error) {
	v := &semverVersion{raw: s}
	if reason := v.parse(s); reason != "" {
		return nil, &ParseError{Scheme: "semver", Input: s, Reason: reason}
	}
	return v, nil
}

// semverVersion is one parsed Semver version.
type semverVersion struct {
	raw  string
	core semverCore
}

func (v *semverVersion) String() string { return v.raw }

// Compare orders v and o by SemVer 2.0.0 precedence.
func (v *semverVersion) Compare(o Version) int {
	w, ok := o.(*semverVersion)
	if !ok {
		mismatch(v, o)
	}
	return v.core.compare(&w.core)
}

func (v *semverVersion) parse(s string) string {
	if len(s) > semverMaxLength {
		return "longer than 256 bytes"
	}
	if s == "0" {
		v.core = semverCore{major: "0", minor: "0", patch: "0"}
		return ""
	}
	rest, reason := v.core.parseNumbers(strings.TrimPrefix(s, "v"))
	if reason != "" {
		return reason
	}
	for _, n := range [...]string{v.core.major, v.core.minor, v.core.patch} {
		if langCmpNum(n, semverMaxCore) > 0 {
			return "number " + n + " above 2^53-1"
		}
	}
	return v.core.parseTail(rest)
}

// semverCore is MAJOR.MINOR.PATCH[-PRERELEASE] with each number kept as
// its digits (leading zeros cut), so numbers of any length compare exactly.
type semverCore struct {
	major, minor, patch string
	// pre is the dot-separated prerelease identifiers, "" when none.
	pre string
}

// parseNumbers reads "MAJOR.MINOR.PATCH" (leading zeros allowed) from the
// start of s and returns what follows.
func (c *semverCore) parseNumbers(s string) (rest, reason string) {
	var nums [3]string
	for i := range nums {
		if i > 0 {
			if s == "" || s[0] != '.' {
				return "", "want MAJOR.MINOR.PATCH"
			}
			s = s[1:]
		}
		n := langDigitRun(s)
		if n == 0 {
			return "", "want MAJOR.MINOR.PATCH"
		}
		nums[i], s = langTrimZeros(s[:n]), s[n:]
	}
	c.major, c.minor, c.patch = nums[0], nums[1], nums[2]
	return s, ""
}

// parseTail reads the optional "-PRERELEASE" and "+BUILD" that end s.
func (c *semverCore) parseTail(s string) string {
	if strings.HasPrefix(s, "-") {
		end := strings.IndexByte(s, '+')
		if end < 0 {
			end = len(s)
		}
		c.pre, s = s[1:end], s[end:]
		if reason := semverCheckIdents(c.pre, true); reason != "" {
			return "prerelease: " + reason
		}
	}
	if strings.HasPrefix(s, "+") {
		if reason := semverCheckIdents(s[1:], false); reason != "" {
			return "build metadata: " + reason
		}
		return ""
	}
	if s != "" {
		return "unexpected " + langQuote(s)
	}
	return ""
}

// semverCheckIdents checks dot-separated identifiers of [0-9A-Za-z-];
// numeric prerelease identifiers may not have leading zeros.
func semverCheckIdents(s string, pre bool) string {
	for {
		id, rest, more := strings.Cut(s, ".")
		if id == "" {
			return "empty identifier"
		}
		digits := true
		for i := 0; i < len(id); i++ {
			b := id[i]
			if !langIsAlnum(b) && b != '-' {
				return "character " + langQuote(id[i:i+1]) + " not in [0-9A-Za-z-]"
			}
			digits = digits && langIsDigit(b)
		}
		if pre && digits && len(id) > 1 && id[0] == '0' {
			return "numeric identifier " + id + " has a leading zero"
		}
		if !more {
			return ""
		}
		s = rest
	}
}

func (c *semverCore) compare(o *semverCore) int {
	if r := langCmpNum(c.major, o.major); r != 0 {
		return r
	}
	if r := langCmpNum(c.minor, o.minor); r != 0 {
		return r
	}
	if r := langCmpNum(c.patch, o.patch); r != 0 {
		return r
	}
	return semverComparePre(c.pre, o.pre)
}

// semverComparePre orders prerelease strings by SemVer 2.0.0 rule 11: none
// sorts after any; identifiers compare numerically when both are digits,
// digits sort before letters, others compare in ASCII order; a shorter list
// sorts first when it is a prefix of the longer.
func semverComparePre(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	for {
		x, ra, moreA := strings.Cut(a, ".")
		y, rb, moreB := strings.Cut(b, ".")
		if r := semverCompareIdent(x, y); r != 0 {
			return r
		}
		switch {
		case !moreA && !moreB:
			return 0
		case !moreA:
			return -1
		case !moreB:
			return 1
		}
		a, b = ra, rb
	}
}

func semverCompareIdent(x, y string) int {
	nx, ny := langAllDigits(x), langAllDigits(y)
	switch {
	case nx && ny:
		return langCmpNum(x, y)
	case nx:
		return -1
	case ny:
		return 1
	}
	return strings.Compare(x, y)
}
