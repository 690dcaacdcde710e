package version

import (
	"math"
	"strings"
)

// Dpkg is the Debian scheme, [epoch:]upstream[-revision], ordered as
// Debian Policy 5.6.12 and dpkg's verrevcmp order it.
//
// Parse follows dpkg's parseversion: what dpkg refuses with an error (an
// empty version, embedded spaces, a bad, negative or too big epoch, an
// empty upstream version or revision) is a ParseError. Of what dpkg only
// warns about, a character outside Policy's set is a ParseError too, while
// an upstream version not starting with a digit is accepted, as dpkg
// itself goes on to compare it.
type Dpkg struct{}

var _ Scheme = Dpkg{}

// Name returns "dpkg".
func (Dpkg) Name() string { return "dpkg" }

// Parse reads a Debian version.
func (Dpkg) Parse(s string) (Version, error) {
	v := &dpkgVersion{s: s}
	if reason := v.split(s); reason != "" {
		return nil, &ParseError{Scheme: "dpkg", Input: s, Reason: reason}
	}
	return v, nil
}

// dpkgBlank holds the characters of C's isblank, which dpkg trims from
// both ends of a version and refuses inside it. Other white space is an
// invalid character.
const dpkgBlank = " \t"

// dpkgVersion is a parsed Debian version.
type dpkgVersion struct {
	s                  string
	epoch              int
	upstream, revision string
}

// split fills v from s, or returns why it cannot, with dpkg's reasons.
func (v *dpkgVersion) split(s string) string {
	rest := strings.TrimLeft(s, dpkgBlank) // what dpkg's colon check sees
	t := strings.TrimRight(rest, dpkgBlank)
	if t == "" {
		return "version string is empty"
	}
	if strings.ContainsAny(t, dpkgBlank) {
		return "version string has embedded spaces"
	}
	if colon := strings.IndexByte(t, ':'); colon >= 0 {
		epoch, reason := dpkgEpoch(t[:colon])
		if reason != "" {
			return reason
		}
		if colon == len(rest)-1 {
			return "nothing after colon in version number"
		}
		v.epoch, t = epoch, t[colon+1:]
	}
	v.upstream = t
	if hyphen := strings.LastIndexByte(t, '-'); hyphen >= 0 {
		v.upstream, v.revision = t[:hyphen], t[hyphen+1:]
		if v.revision == "" {
			return "revision number is empty"
		}
	}
	if v.upstream == "" {
		return "version number is empty"
	}
	if !dpkgValid(v.upstream, true) {
		return "invalid character in version number"
	}
	if !dpkgValid(v.revision, false) {
		return "invalid character in revision number"
	}
	return ""
}

// dpkgEpoch reads an epoch the way dpkg's strtol call does: white space,
// an optional sign, then decimal digits up to the colon; the value must be
// at most INT_MAX and not negative ("-0" passes).
func dpkgEpoch(e string) (int, string) {
	digits := strings.TrimLeft(e, " \t\n\v\f\r")
	neg := strings.HasPrefix(digits, "-")
	if neg || strings.HasPrefix(digits, "+") {
		digits = digits[1:]
	}
	if digits == "" || !dpkgDigit(digits[0]) {
		return 0, "epoch in version is empty"
	}
	if strings.TrimLeft(digits, "0123456789") != "" {
		return 0, "epoch in version is not number"
	}
	n := 0
	for _, c := range []byte(strings.TrimLeft(digits, "0")) {
		if n > (math.MaxInt32-int(c-'0'))/10 {
			if neg {
				return 0, "epoch in version is negative"
			}
			return 0, "epoch in version is too big"
		}
		n = n*10 + int(c-'0')
	}
	if neg && n != 0 {
		return 0, "epoch in version is negative"
	}
	return n, ""
}

// dpkgValid reports whether s holds only the characters Policy allows in
// an upstream version (upstream true) or in a revision.
func dpkgValid(s string, upstream bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case dpkgDigit(c), dpkgAlpha(c), c == '.', c == '+', c == '~':
		case upstream && (c == '-' || c == ':'):
		default:
			return false
		}
	}
	return true
}

// String returns the version as it was given.
func (v *dpkgVersion) String() string { return v.s }

// Compare orders v and o by epoch, then upstream version, then revision.
func (v *dpkgVersion) Compare(o Version) int {
	w, ok := o.(*dpkgVersion)
	if !ok {
		mismatch(v, o)
	}
	switch {
	case v.epoch < w.epoch:
		return -1
	case v.epoch > w.epoch:
		return 1
	}
	if c := dpkgVerrevcmp(v.upstream, w.upstream); c != 0 {
		return c
	}
	return dpkgVerrevcmp(v.revision, w.revision)
}

// dpkgVerrevcmp compares two upstream versions or two revisions: runs of
// non-digits by dpkgOrder, character by character, then runs of digits as
// numbers, alternately until both strings end.
func dpkgVerrevcmp(a, b string) int {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		for (i < len(a) && !dpkgDigit(a[i])) || (j < len(b) && !dpkgDigit(b[j])) {
			if ac, bc := dpkgOrder(a, i), dpkgOrder(b, j); ac != bc {
				return dpkgSign(ac - bc)
			}
			i, j = i+1, j+1
		}
		for i < len(a) && a[i] == '0' {
			i++
		}
		for j < len(b) && b[j] == '0' {
			j++
		}
		first := 0
		for i < len(a) && j < len(b) && dpkgDigit(a[i]) && dpkgDigit(b[j]) {
			if first == 0 {
				first = int(a[i]) - int(b[j])
			}
			i, j = i+1, j+1
		}
		switch {
		case i < len(a) && dpkgDigit(a[i]):
			return 1
		case j < len(b) && dpkgDigit(b[j]):
			return -1
		case first != 0:
			return dpkgSign(first)
		}
	}
	return 0
}

// dpkgOrder is the weight of s[i] in a non-digit run: '~' lowest, then the
// end of the string (and digits), then letters, then all other characters.
func dpkgOrder(s string, i int) int {
	switch {
	case i >= len(s), dpkgDigit(s[i]):
		return 0
	case s[i] == '~':
		return -1
	case dpkgAlpha(s[i]):
		return int(s[i])
	default:
		return int(s[i]) + 256
	}
}

func dpkgSign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func dpkgDigit(c byte) bool { return '0' <= c && c <= '9' }

func dpkgAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
