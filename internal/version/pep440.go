package version

import (
	"cmp"
	"strings"
	"unicode"
)

// PEP440 is the version scheme of Python packages (PEP 440), ordered as
// the reference implementation, pypa/packaging's Version, orders it:
// [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local], with the spellings PEP 440
// allows ("alpha", "c", "pre", "preview", "-N", "rev", "r", "_" and "-" as
// separators, implicit numbers, any letter case, a leading "v", white
// space around). Legacy non-PEP 440 versions are refused, as packaging has
// done since version 22.
type PEP440 struct{}

var _ Scheme = PEP440{}

// Name returns "pep440".
func (PEP440) Name() string { return "pep440" }

// Parse reads s as a PEP 440 version.
func (PEP440) Parse(s string) (Version, error) {
	v := &pep440Version{raw: s}
	if !v.parse(strings.TrimFunc(s, pep440IsSpace)) {
		return nil, &ParseError{Scheme: "pep440", Input: s, Reason: "not a PEP 440 version"}
	}
	return v, nil
}

// pep440IsSpace is Python's str.isspace, which packaging's "\s" follows:
// Unicode white space plus the information separators U+001C to U+001F.
func pep440IsSpace(r rune) bool {
	return unicode.IsSpace(r) || 0x1c <= r && r <= 0x1f
}

// Kinds of prerelease, in their order.
const (
	pep440NoPre = iota
	pep440Alpha
	pep440Beta
	pep440RC
)

// pep440Version is one parsed PEP 440 version. Numbers are kept as the
// digits the input spells them with.
type pep440Version struct {
	raw     string
	epoch   string // "" for none, which is 0
	release string // "1.2.3": digit runs joined by "."
	preKind uint8
	pre     string // digits; "" is 0
	hasPost bool
	post    string
	hasDev  bool
	dev     string
	// local is the "+local" label without its "+", "" for none.
	local string
}

func (v *pep440Version) String() string { return v.raw }

// parse reads s, already trimmed, into v.
func (v *pep440Version) parse(s string) bool {
	if s != "" && s[0]|0x20 == 'v' {
		s = s[1:]
	}
	if n := langDigitRun(s); n > 0 && n < len(s) && s[n] == '!' {
		v.epoch, s = s[:n], s[n+1:]
	}
	n := pep440ReleaseLen(s)
	if n == 0 {
		return false
	}
	v.release, s = s[:n], s[n:]
	s = v.parsePre(s)
	s = v.parsePost(s)
	s = v.parseDev(s)
	if s == "" {
		return true
	}
	if s[0] != '+' || !pep440ValidLocal(s[1:]) {
		return false
	}
	v.local = s[1:]
	return true
}

// pep440ReleaseLen measures the release segment N(.N)* at the start of s.
func pep440ReleaseLen(s string) int {
	n := langDigitRun(s)
	if n == 0 {
		return 0
	}
	for n+1 < len(s) && s[n] == '.' && langIsDigit(s[n+1]) {
		n += 1 + langDigitRun(s[n+1:])
	}
	return n
}

// pep440Label matches one of labels (lower case, longest first) at the
// start of s, ignoring case, and returns its index and length.
func pep440Label(s string, labels ...string) (int, int) {
	for i, l := range labels {
		if len(s) >= len(l) && strings.EqualFold(s[:len(l)], l) {
			return i, len(l)
		}
	}
	return -1, 0
}

// pep440Sep skips one optional "-", "_" or ".".
func pep440Sep(s string) string {
	if s != "" && (s[0] == '-' || s[0] == '_' || s[0] == '.') {
		return s[1:]
	}
	return s
}

// pep440Number reads an optional separator and number after a label.
func pep440Number(s string) (num, rest string) {
	s = pep440Sep(s)
	n := langDigitRun(s)
	return s[:n], s[n:]
}

var pep440PreLabels = []string{"preview", "alpha", "beta", "pre", "rc", "a", "b", "c"}

// pep440PreKinds maps pep440PreLabels to their kinds.
var pep440PreKinds = [...]uint8{pep440RC, pep440Alpha, pep440Beta, pep440RC, pep440RC, pep440Alpha, pep440Beta, pep440RC}

func (v *pep440Version) parsePre(s string) string {
	t := pep440Sep(s)
	i, n := pep440Label(t, pep440PreLabels...)
	if i < 0 {
		return s
	}
	v.preKind = pep440PreKinds[i]
	v.pre, s = pep440Number(t[n:])
	return s
}

func (v *pep440Version) parsePost(s string) string {
	if len(s) > 1 && s[0] == '-' && langIsDigit(s[1]) {
		n := 1 + langDigitRun(s[1:])
		v.hasPost, v.post = true, s[1:n]
		return s[n:]
	}
	t := pep440Sep(s)
	i, n := pep440Label(t, "post", "rev", "r")
	if i < 0 {
		return s
	}
	v.hasPost = true
	v.post, s = pep440Number(t[n:])
	return s
}

func (v *pep440Version) parseDev(s string) string {
	t := pep440Sep(s)
	if i, n := pep440Label(t, "dev"); i == 0 {
		v.hasDev = true
		v.dev, s = pep440Number(t[n:])
	}
	return s
}

// pep440ValidLocal checks a local label: [a-z0-9]+ parts joined by one of
// "-", "_" or ".".
func pep440ValidLocal(s string) bool {
	part := 0
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case langIsAlnum(b):
			part++
		case (b == '-' || b == '_' || b == '.') && part > 0:
			part = 0
		default:
			return false
		}
	}
	return part > 0
}

// Compare orders v and o as packaging's Version does.
func (v *pep440Version) Compare(o Version) int {
	w, ok := o.(*pep440Version)
	if !ok {
		mismatch(v, o)
	}
	if c := langCmpNum(v.epoch, w.epoch); c != 0 {
		return c
	}
	if c := pep440CompareRelease(v.release, w.release); c != 0 {
		return c
	}
	if c := v.comparePre(w); c != 0 {
		return c
	}
	if c := pep440CompareOptional(v.hasPost, w.hasPost, v.post, w.post, -1); c != 0 {
		return c
	}
	if c := pep440CompareOptional(v.hasDev, w.hasDev, v.dev, w.dev, 1); c != 0 {
		return c
	}
	return pep440CompareLocal(v.local, w.local)
}

// pep440CompareRelease compares dot-separated digit runs, the shorter
// padded with zeros.
func pep440CompareRelease(a, b string) int {
	for a != "" || b != "" {
		x, ra, _ := strings.Cut(a, ".")
		y, rb, _ := strings.Cut(b, ".")
		if c := langCmpNum(x, y); c != 0 {
			return c
		}
		a, b = ra, rb
	}
	return 0
}

// preRank places a version without prerelease: a bare development release
// (1.0.dev0) sorts before every prerelease of its release, any other
// sorts after them.
func (v *pep440Version) preRank() int {
	switch {
	case v.preKind != pep440NoPre:
		return 1
	case v.hasDev && !v.hasPost:
		return 0
	}
	return 2
}

func (v *pep440Version) comparePre(w *pep440Version) int {
	rv, rw := v.preRank(), w.preRank()
	if rv != rw || rv != 1 {
		return cmp.Compare(rv, rw)
	}
	if v.preKind != w.preKind {
		return cmp.Compare(v.preKind, w.preKind)
	}
	return langCmpNum(v.pre, w.pre)
}

// pep440CompareOptional compares two optional numbers; absent sorts on
// the side given by absent (-1 before every number, +1 after).
func pep440CompareOptional(hasA, hasB bool, a, b string, absent int) int {
	switch {
	case hasA && hasB:
		return langCmpNum(a, b)
	case hasA:
		return -absent
	case hasB:
		return absent
	}
	return 0
}

// pep440CompareLocal compares local labels part by part: numbers
// numerically and after any letters, letters without regard to case; no
// label sorts first, a shorter label before a longer one it begins.
func pep440CompareLocal(a, b string) int {
	for {
		switch {
		case a == "" && b == "":
			return 0
		case a == "":
			return -1
		case b == "":
			return 1
		}
		x, ra := pep440CutLocal(a)
		y, rb := pep440CutLocal(b)
		if c := pep440CompareLocalPart(x, y); c != 0 {
			return c
		}
		a, b = ra, rb
	}
}

func pep440CutLocal(s string) (part, rest string) {
	i := strings.IndexAny(s, "-_.")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i+1:]
}

func pep440CompareLocalPart(x, y string) int {
	nx, ny := langAllDigits(x), langAllDigits(y)
	switch {
	case nx && ny:
		return langCmpNum(x, y)
	case nx:
		return 1
	case ny:
		return -1
	}
	return pep440CompareFold(x, y)
}

// pep440CompareFold compares ASCII strings as if both were lower case.
func pep440CompareFold(x, y string) int {
	for i := 0; i < len(x) && i < len(y); i++ {
		a, b := pep440Lower(x[i]), pep440Lower(y[i])
		if a != b {
			return cmp.Compare(a, b)
		}
	}
	return cmp.Compare(len(x), len(y))
}

func pep440Lower(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}
