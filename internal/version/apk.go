package version

// APK is the scheme of Alpine packages, ordered as apk-tools 2.14 (the apk
// of Alpine 3.18 to 3.22, checked against 3.22.1's) orders them. A version
// is read as tokens: numbers separated by dots, one optional lower-case
// letter, suffixes (_alpha, _beta, _pre and _rc sort below the release;
// _cvs, _svn, _git, _hg and _p above it), each optionally numbered, then
// -rN. Numbers compare numerically, except that a dotted number with
// leading zeros counts first as minus its zeros beyond the first, so
// 1.001 < 1.0 < 1.01 < 1.1. When one version runs out of tokens first, it
// is the older, unless the other goes on with a pre-release suffix.
//
// apk compares versions that break this grammar too: it reads tokens up to
// the first one out of place and orders by what it has read. Alpine's own
// secdb holds such versions ("1.0.4.-r0", "2.7.16-33"), so Parse accepts
// them and Compare orders them as apk does. Parse refuses only the empty
// string and characters no apk version can hold: spaces, control
// characters and bytes outside ASCII.
//
// apk-tools 3 (released December 2025) compares numbers with leading
// zeros as strings instead, so the two differ on pairs such as 8.2.0 and
// 8.2.001; apk-tools 2.10 (Alpine 3.10) sorted 1.0_rc1 above 1.0. No real
// secdb or installed version tells the three apart.
type APK struct{}

var _ Scheme = APK{}

// Name returns "apk".
func (APK) Name() string { return "apk" }

// Parse reads an Alpine package version.
func (APK) Parse(s string) (Version, error) {
	if s == "" {
		return nil, &ParseError{Scheme: "apk", Input: s, Reason: "empty version"}
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return nil, &ParseError{Scheme: "apk", Input: s, Reason: "invalid character"}
		}
	}
	return &apkVersion{s: s}, nil
}

// apkVersion is an Alpine package version. It is tokenised afresh by each
// Compare, which costs less than keeping the tokens and allocates nothing.
type apkVersion struct{ s string }

// String returns the version as it was given.
func (v *apkVersion) String() string { return v.s }

// Compare orders v and o as apk version -t does.
func (v *apkVersion) Compare(o Version) int {
	w, ok := o.(*apkVersion)
	if !ok {
		mismatch(v, o)
	}
	a, b := apkLexer{s: v.s, kind: apkDigit}, apkLexer{s: w.s, kind: apkDigit}
	var av, bv int64
	for a.kind == b.kind && a.kind != apkEnd && a.kind != apkInvalid && av == bv {
		av, bv = a.next(), b.next()
	}
	switch {
	case av < bv:
		return -1
	case av > bv:
		return 1
	case a.kind == b.kind:
		return 0
	case a.preRelease():
		return -1
	case b.preRelease():
		return 1
	case a.kind > b.kind:
		return -1
	case a.kind < b.kind:
		return 1
	}
	return 0
}

// apkKind is the kind of the next token of an apk version. The order
// matters: a token may follow one of a lower kind, and when two versions
// agree on every token read, the one whose next token is of the higher
// kind is the older (an end sorts below a revision, a revision below a
// suffix, and so on).
type apkKind int8

const (
	apkInvalid     apkKind = iota - 1 // a character out of place
	apkDigitOrZero                    // a number after a dot
	apkDigit                          // a number
	apkLetter                         // one letter after a number
	apkSuffix                         // _alpha, _p, ...
	apkSuffixNo                       // the number of a suffix
	apkRevision                       // the N of -rN
	apkEnd                            // nothing left
)

// apkPreSuffixes sort below a release, apkPostSuffixes above; both lists
// are tried in order as prefixes, so "pre" must come before "p".
var (
	apkPreSuffixes  = [...]string{"alpha", "beta", "pre", "rc"}
	apkPostSuffixes = [...]string{"cvs", "svn", "git", "hg", "p"}
)

// apkLexer walks a version: kind is the kind of the token at s[i:].
type apkLexer struct {
	s    string
	i    int
	kind apkKind
}

// next reads the token of kind l.kind, returns its value and sets l.kind
// to the kind of the token after it.
func (l *apkLexer) next() int64 {
	if l.i >= len(l.s) {
		l.kind = apkEnd
		return 0
	}
	var v int64
	switch l.kind {
	case apkDigitOrZero:
		if l.s[l.i] == '0' {
			return l.zeros()
		}
		fallthrough
	case apkDigit, apkSuffixNo, apkRevision:
		n := 0
		for ; l.i < len(l.s) && apkDigitByte(l.s[l.i]); l.i, n = l.i+1, n+1 {
			v = v*10 + int64(l.s[l.i]-'0')
		}
		if n >= 18 {
			return l.invalid()
		}
	case apkLetter:
		v = int64(l.s[l.i])
		l.i++
	case apkSuffix:
		var ok bool
		if v, ok = l.suffix(); !ok {
			return l.invalid()
		}
	default:
		return l.invalid()
	}
	l.advance()
	return v
}

// zeros reads the leading zeros of a dotted number: all but the last
// zero are skipped, and the token is worth minus their count, so 1.001
// sorts below 1.01, which sorts below 1.1. The digits left, starting with
// that last zero, are read as the next number.
func (l *apkLexer) zeros() int64 {
	n := 0
	for l.i+n+1 < len(l.s) && l.s[l.i+n+1] == '0' {
		n++
	}
	l.i += n
	l.kind = apkDigit
	return int64(-n)
}

// suffix reads a suffix name: pre-release ones are worth -4 to -1, the
// others 0 to 4.
func (l *apkLexer) suffix() (int64, bool) {
	rest := l.s[l.i:]
	for k, name := range apkPreSuffixes {
		if len(rest) >= len(name) && rest[:len(name)] == name {
			l.i += len(name)
			return int64(k - len(apkPreSuffixes)), true
		}
	}
	for k, name := range apkPostSuffixes {
		if len(rest) >= len(name) && rest[:len(name)] == name {
			l.i += len(name)
			return int64(k), true
		}
	}
	return 0, false
}

func (l *apkLexer) invalid() int64 {
	l.kind = apkInvalid
	return -1
}

// advance works out the kind of the token at l.s[l.i:], stepping over the
// separator ('.', '_' or "-r") that introduces it.
func (l *apkLexer) advance() {
	if l.i >= len(l.s) {
		l.kind = apkEnd
		return
	}
	c, prev, n := l.s[l.i], l.kind, apkInvalid
	switch {
	case (prev == apkDigit || prev == apkDigitOrZero) && 'a' <= c && c <= 'z':
		n = apkLetter
	case prev == apkLetter && apkDigitByte(c):
		n = apkDigit
	case prev == apkSuffix && apkDigitByte(c):
		n = apkSuffixNo
	default:
		switch {
		case c == '.':
			n = apkDigitOrZero
		case c == '_':
			n = apkSuffix
		case c == '-' && l.i+1 < len(l.s) && l.s[l.i+1] == 'r':
			n = apkRevision
			l.i++
		}
		l.i++
	}
	if n < prev && !apkMayFollow(prev, n) {
		n = apkInvalid
	}
	l.kind = n
}

// apkMayFollow lists the steps back to a lower kind that apk allows: a
// dotted number after a number, a suffix after a suffix number and a
// number after a letter.
func apkMayFollow(prev, n apkKind) bool {
	return n == apkDigitOrZero && prev == apkDigit ||
		n == apkSuffix && prev == apkSuffixNo ||
		n == apkDigit && prev == apkLetter
}

// preRelease reports whether the next token is a suffix that sorts below
// a release. apk reads an unknown suffix as one too.
func (l apkLexer) preRelease() bool {
	return l.kind == apkSuffix && l.next() < 0
}

func apkDigitByte(c byte) bool { return '0' <= c && c <= '9' }
