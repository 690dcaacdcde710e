package version

import "strings"

// RPM is the scheme of rpm packages, [epoch:]version[-release], ordered as
// rpm 4.18's rpmverCmp orders them: epochs (a missing one is 0), then
// versions, then releases, each with rpmvercmp. A version without a
// release sorts before the same version with any release, as in rpm.
//
// Parse splits the string the way rpm's parseEVR does (the epoch is the
// leading digits before a colon, the release follows the last hyphen). It
// refuses an empty string, an empty version or release, and characters
// that rpm packages cannot carry: spaces, control characters and bytes
// outside ASCII.
type RPM struct{}

var _ Scheme = RPM{}

// Name returns "rpm".
func (RPM) Name() string { return "rpm" }

// Parse reads an rpm [epoch:]version[-release].
func (RPM) Parse(s string) (Version, error) {
	v := &rpmVersion{s: s}
	if reason := v.split(); reason != "" {
		return nil, &ParseError{Scheme: "rpm", Input: s, Reason: reason}
	}
	return v, nil
}

// rpmVersion is a parsed rpm EVR. epoch is "0" when the string has none.
type rpmVersion struct {
	s                       string
	epoch, version, release string
	hasRelease              bool
}

// split fills v from v.s, or returns why it cannot.
func (v *rpmVersion) split() string {
	s := v.s
	if s == "" {
		return "empty version"
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return "invalid character"
		}
	}
	i := 0
	for i < len(s) && rpmDigit(s[i]) {
		i++
	}
	v.epoch, v.version = "0", s
	if i < len(s) && s[i] == ':' {
		if i > 0 {
			v.epoch = s[:i]
		}
		v.version = s[i+1:]
	}
	if hyphen := strings.LastIndexByte(v.version, '-'); hyphen >= 0 {
		v.version, v.release, v.hasRelease = v.version[:hyphen], v.version[hyphen+1:], true
		if v.release == "" {
			return "empty release"
		}
	}
	if v.version == "" {
		return "empty version"
	}
	return ""
}

// String returns the version as it was given.
func (v *rpmVersion) String() string { return v.s }

// Compare orders v and o by epoch, version and release.
func (v *rpmVersion) Compare(o Version) int {
	w, ok := o.(*rpmVersion)
	if !ok {
		mismatch(v, o)
	}
	if c := rpmvercmp(v.epoch, w.epoch); c != 0 {
		return c
	}
	if c := rpmvercmp(v.version, w.version); c != 0 {
		return c
	}
	switch {
	case v.hasRelease && w.hasRelease:
		return rpmvercmp(v.release, w.release)
	case v.hasRelease:
		return 1
	case w.hasRelease:
		return -1
	}
	return 0
}

// rpmvercmp compares two version or release strings as rpm does. Both are
// cut into runs of digits and runs of letters; any other character only
// separates runs, except '~', which sorts before everything (even the end
// of the string), and '^', which sorts after the end of the string but
// before anything else. Digit runs compare as numbers and beat letter runs;
// letter runs compare as bytes. When all runs are equal, the string with
// something left over is the greater.
func rpmvercmp(a, b string) int {
	if a == b {
		return 0
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		i, j = rpmSkip(a, i), rpmSkip(b, j)
		ca, cb := rpmAt(a, i), rpmAt(b, j)
		switch {
		case ca == '~' || cb == '~':
			if ca != '~' {
				return 1
			}
			if cb != '~' {
				return -1
			}
			i, j = i+1, j+1
			continue
		case ca == '^' || cb == '^':
			switch {
			case i == len(a):
				return -1
			case j == len(b):
				return 1
			case ca != '^':
				return 1
			case cb != '^':
				return -1
			}
			i, j = i+1, j+1
			continue
		case i == len(a) || j == len(b):
			return rpmLeftover(a, i, b, j)
		}
		var c int
		if c, i, j = rpmSegment(a, i, b, j); c != 0 {
			return c
		}
	}
	return 0
}

// rpmSegment compares the run starting at a[i] (a digit or a letter) with
// the run of the same kind at b[j], returning the result and both ends.
func rpmSegment(a string, i int, b string, j int) (int, int, int) {
	num := rpmDigit(a[i])
	in := rpmAlpha
	if num {
		in = rpmDigit
	}
	ei, ej := i, j
	for ei < len(a) && in(a[ei]) {
		ei++
	}
	for ej < len(b) && in(b[ej]) {
		ej++
	}
	if ej == j { // b holds the other kind of run: numbers are newer
		if num {
			return 1, ei, ej
		}
		return -1, ei, ej
	}
	if num {
		for i < ei && a[i] == '0' {
			i++
		}
		for j < ej && b[j] == '0' {
			j++
		}
		if ei-i != ej-j {
			if ei-i > ej-j {
				return 1, ei, ej
			}
			return -1, ei, ej
		}
	}
	return strings.Compare(a[i:ei], b[j:ej]), ei, ej
}

// rpmLeftover decides once either string has run out of segments: the
// one with characters left over is the greater.
func rpmLeftover(a string, i int, b string, j int) int {
	switch {
	case i >= len(a) && j >= len(b):
		return 0
	case i >= len(a):
		return -1
	}
	return 1
}

// rpmSkip moves past the separators at s[i:]: anything but a letter, a
// digit, '~' and '^'.
func rpmSkip(s string, i int) int {
	for i < len(s) && !rpmDigit(s[i]) && !rpmAlpha(s[i]) && s[i] != '~' && s[i] != '^' {
		i++
	}
	return i
}

// rpmAt returns s[i], or 0 at the end of s as C's terminator.
func rpmAt(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func rpmDigit(c byte) bool { return '0' <= c && c <= '9' }

func rpmAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
