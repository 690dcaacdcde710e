package version

import (
	"cmp"
	"strings"
)

// Composer orders PHP package versions as Composer does when it checks
// Packagist advisories: each version is normalized as
// Composer\Semver\VersionParser::normalize does ("v1.2" is 1.2.0.0,
// "1.0-b2" is 1.0.0.0-beta2, "2023-01-02" is 2023.01.02, "1.x-dev" is
// 1.9999999.9999999.9999999-dev; aliases, "@stability" flags and "+build"
// are dropped), and the normalized forms are ordered by PHP's
// version_compare: dev < alpha < beta < RC < a number < patch, and a
// missing part is a number. Branch names ("dev-main", "master"), which
// Composer does not order, are refused.
type Composer struct{}

var _ Scheme = Composer{}

// Name returns "composer".
func (Composer) Name() string { return "composer" }

// Parse reads and normalizes s as a Composer version.
func (Composer) Parse(s string) (Version, error) {
	norm, reason := composerNormalize(s)
	if reason != "" {
		return nil, &ParseError{Scheme: "composer", Input: s, Reason: reason}
	}
	return &composerVersion{raw: s, norm: norm}, nil
}

// composerVersion is one parsed Composer version.
type composerVersion struct {
	raw string
	// norm is the normalized form: digits and letters, cut by "." and "-".
	norm string
}

func (v *composerVersion) String() string { return v.raw }

// composerNormalize follows VersionParser::normalize (composer/semver 3).
func composerNormalize(s string) (string, string) {
	s = strings.Trim(s, " \t\n\r\x00\x0b")
	s = composerStripAlias(s)
	s = composerStripStability(s)
	switch {
	case s == "master" || s == "trunk" || s == "default",
		len(s) >= 4 && strings.EqualFold(s[:4], "dev-"):
		return "", "branch name, which Composer does not order"
	}
	s = composerStripBuild(s)
	t := s
	if t != "" && t[0]|0x20 == 'v' {
		t = t[1:]
	}
	if norm, ok := composerClassical(t); ok {
		return norm, ""
	}
	if norm, ok := composerDate(t); ok {
		return norm, ""
	}
	if norm, ok := composerDevBranch(s); ok {
		return norm, ""
	}
	return "", "not a version Composer can normalize"
}

// composerIsSpace is PCRE's \s.
func composerIsSpace(b byte) bool {
	return b == ' ' || '\t' <= b && b <= '\r'
}

// composerStripAlias keeps "1.0" of "1.0 as 2.0".
func composerStripAlias(s string) string {
	i := strings.Index(s, " as ")
	if i <= 0 {
		return s
	}
	first := strings.TrimRight(s[:i], " ")
	second := strings.TrimLeft(s[i+len(" as "):], " ")
	if first == "" || second == "" || strings.ContainsFunc(first+second, func(r rune) bool {
		return r == ',' || r < 0x80 && composerIsSpace(byte(r))
	}) {
		return s
	}
	return first
}

// composerStripStability drops an "@stable", "@RC", "@beta", "@alpha" or
// "@dev" flag.
func composerStripStability(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return s
	}
	switch strings.ToLower(s[at+1:]) {
	case "stable", "rc", "beta", "alpha", "dev":
		return s[:at]
	}
	return s
}

// composerStripBuild drops "+build" when the version before it has no ","
// or white space and the build has no white space.
func composerStripBuild(s string) string {
	plus := strings.IndexByte(s, '+')
	if plus <= 0 || plus == len(s)-1 {
		return s
	}
	for i := 0; i < len(s); i++ {
		if composerIsSpace(s[i]) || i < plus && s[i] == ',' {
			return s
		}
	}
	return s[:plus]
}

// composerClassical reads MAJOR[.MINOR[.PATCH[.BUILD]]] with a modifier,
// MAJOR of one to five digits, and pads it to four numbers.
func composerClassical(t string) (string, bool) {
	n := langDigitRun(t)
	if n == 0 || n > 5 {
		return "", false
	}
	var nums [4]string
	nums[0], t = t[:n], t[n:]
	for i := 1; i < 4 && len(t) > 1 && t[0] == '.' && langIsDigit(t[1]); i++ {
		n = 1 + langDigitRun(t[1:])
		nums[i], t = t[:n], t[n:]
	}
	return composerWithModifier(t, nums[0], nums[1], nums[2], nums[3])
}

// composerWithModifier joins the version parts (empty ones are ".0") and
// the normalized modifier read from t.
func composerWithModifier(t string, parts ...string) (string, bool) {
	m, ok := composerModifier(t)
	if !ok {
		return "", false
	}
	var b strings.Builder
	b.Grow(24 + len(t))
	for i, p := range parts {
		switch {
		case p != "":
			b.WriteString(p)
		case i > 0:
			b.WriteString(".0")
		}
	}
	if m.word == "stable" {
		return b.String(), true
	}
	if m.word != "" {
		b.WriteByte('-')
		b.WriteString(composerExpandStability(m.word))
		b.WriteString(strings.TrimLeft(m.digits, ".-"))
	}
	if m.dev {
		b.WriteString("-dev")
	}
	return b.String(), true
}

// composerModifierWords are the stability words in the order Composer's
// pattern tries them.
var composerModifierWords = [...]string{"stable", "beta", "b", "rc", "alpha", "a", "patch", "pl", "p"}

// composerMod is what a version's modifier says.
type composerMod struct {
	word   string // as written
	digits string // the numbers after it, with their separators
	dev    bool
}

// composerModifier matches t against Composer's modifier pattern
// [._-]?((stable|beta|b|RC|alpha|a|patch|pl|p)([.-]?\d+)*)?([.-]?dev)?,
// ignoring case, trying the choices in the order PCRE does.
func composerModifier(t string) (composerMod, bool) {
	starts := [2]string{t, t}
	if t != "" && (t[0] == '.' || t[0] == '_' || t[0] == '-') {
		starts[0] = t[1:]
	}
	for _, u := range starts {
		for _, w := range composerModifierWords {
			if len(u) < len(w) || !strings.EqualFold(u[:len(w)], w) {
				continue
			}
			digits, rest := composerModifierDigits(u[len(w):])
			if dev, ok := composerDevEnd(rest); ok {
				return composerMod{word: u[:len(w)], digits: digits, dev: dev}, true
			}
		}
		if dev, ok := composerDevEnd(u); ok {
			return composerMod{dev: dev}, true
		}
	}
	return composerMod{}, false
}

// composerModifierDigits takes all of ([.-]?\d+)* from the start of s.
func composerModifierDigits(s string) (digits, rest string) {
	i := 0
	for {
		j := i
		if j < len(s) && (s[j] == '.' || s[j] == '-') {
			j++
		}
		n := langDigitRun(s[j:])
		if n == 0 {
			return s[:i], s[i:]
		}
		i = j + n
	}
}

// composerDevEnd matches ([.-]?dev)?$ ignoring case.
func composerDevEnd(s string) (dev, ok bool) {
	if s == "" {
		return false, true
	}
	if s[0] == '.' || s[0] == '-' {
		s = s[1:]
	}
	return true, strings.EqualFold(s, "dev")
}

func composerExpandStability(w string) string {
	switch w = strings.ToLower(w); w {
	case "a":
		return "alpha"
	case "b":
		return "beta"
	case "p", "pl":
		return "patch"
	case "rc":
		return "RC"
	}
	return w
}

// composerDate reads a date version, \d{4}([.:-]?\d{2}){1,6}([.:-]?\d{1,3})?,
// with a modifier; its separators become ".".
func composerDate(t string) (string, bool) {
	end := 0
	for end < len(t) {
		if langIsDigit(t[end]) {
			end++
		} else if strings.IndexByte(".:-", t[end]) >= 0 && end+1 < len(t) && langIsDigit(t[end+1]) {
			end += 2
		} else {
			break
		}
	}
	date := t[:end]
	if len(date) < 4 || !langAllDigits(date[:4]) || !composerDatePairs(date[4:], 0) {
		return "", false
	}
	dotted := []byte(date)
	for i, c := range dotted {
		if !langIsDigit(c) {
			dotted[i] = '.'
		}
	}
	return composerWithModifier(t[end:], string(dotted))
}

// composerDatePairs matches ([.:-]?\d{2}){1,6}([.:-]?\d{1,3})? to the end
// of s, done pairs having been read already.
func composerDatePairs(s string, done int) bool {
	if done >= 1 && composerDateTail(s) {
		return true
	}
	if done == 6 {
		return false
	}
	s = composerDateSep(s)
	return len(s) >= 2 && langIsDigit(s[0]) && langIsDigit(s[1]) && composerDatePairs(s[2:], done+1)
}

func composerDateTail(s string) bool {
	if s == "" {
		return true
	}
	s = composerDateSep(s)
	return 1 <= len(s) && len(s) <= 3 && langAllDigits(s)
}

func composerDateSep(s string) string {
	if s != "" && strings.IndexByte(".:-", s[0]) >= 0 {
		return s[1:]
	}
	return s
}

// composerDevBranch reads a numbered branch, "1.x-dev" or "2.1.*-dev",
// into 1.9999999.9999999.9999999-dev.
func composerDevBranch(s string) (string, bool) {
	if len(s) < 3 || !strings.EqualFold(s[len(s)-3:], "dev") {
		return "", false
	}
	name := s[:len(s)-3]
	if name != "" && (name[len(name)-1] == '.' || name[len(name)-1] == '-') {
		name = name[:len(name)-1]
	}
	name = strings.Trim(name, " \t\n\r\x00\x0b")
	if name != "" && name[0]|0x20 == 'v' {
		name = name[1:]
	}
	n := langDigitRun(name)
	if n == 0 {
		return "", false
	}
	var b strings.Builder
	b.WriteString(name[:n])
	name = name[n:]
	for i := 1; i < 4; i++ {
		if name == "" {
			b.WriteString(".9999999")
			continue
		}
		if len(name) < 2 || name[0] != '.' {
			return "", false
		}
		if c := name[1]; c == 'x' || c == 'X' || c == '*' {
			b.WriteString(".9999999")
			name = name[2:]
			continue
		}
		k := langDigitRun(name[1:])
		if k == 0 {
			return "", false
		}
		b.WriteString(name[:1+k])
		name = name[1+k:]
	}
	if name != "" {
		return "", false
	}
	b.WriteString("-dev")
	return b.String(), true
}

// Compare orders v and o as PHP's version_compare orders their normalized
// forms.
func (v *composerVersion) Compare(o Version) int {
	w, ok := o.(*composerVersion)
	if !ok {
		mismatch(v, o)
	}
	return phpVersionCompare(v.norm, w.norm)
}

// phpVersionCompare is PHP's version_compare for strings made only of
// digits, letters, "." and "-" that start with a digit, which
// version_compare cuts into runs of digits and runs of letters.
func phpVersionCompare(a, b string) int {
	for {
		x, ra := phpNextPart(a)
		y, rb := phpNextPart(b)
		switch {
		case x == "" && y == "":
			return 0
		case y == "": // a has more: a number is more, a word compares with "#"
			if langIsDigit(x[0]) {
				return 1
			}
			return cmp.Compare(phpSpecialOrder(x), phpNumberOrder)
		case x == "":
			if langIsDigit(y[0]) {
				return -1
			}
			return cmp.Compare(phpNumberOrder, phpSpecialOrder(y))
		}
		if c := phpComparePart(x, y); c != 0 {
			return c
		}
		a, b = ra, rb
	}
}

// phpNextPart cuts the next run of digits or of letters off s.
func phpNextPart(s string) (part, rest string) {
	for s != "" && !langIsAlnum(s[0]) {
		s = s[1:]
	}
	if s == "" {
		return "", ""
	}
	digit := langIsDigit(s[0])
	i := 1
	for i < len(s) && langIsAlnum(s[i]) && langIsDigit(s[i]) == digit {
		i++
	}
	return s[:i], s[i:]
}

func phpComparePart(x, y string) int {
	dx, dy := langIsDigit(x[0]), langIsDigit(y[0])
	switch {
	case dx && dy:
		return langCmpNum(phpClampLong(x), phpClampLong(y))
	case dx:
		return cmp.Compare(phpNumberOrder, phpSpecialOrder(y))
	case dy:
		return cmp.Compare(phpSpecialOrder(x), phpNumberOrder)
	}
	return cmp.Compare(phpSpecialOrder(x), phpSpecialOrder(y))
}

// phpLongMax is C's LONG_MAX on 64-bit systems, where strtol saturates.
const phpLongMax = "9223372036854775807"

func phpClampLong(d string) string {
	if langCmpNum(d, phpLongMax) > 0 {
		return phpLongMax
	}
	return d
}

// phpNumberOrder is the place of a number ("#") among the special forms.
const phpNumberOrder = 4

// phpSpecialOrder is version_compare's order of a word, found by the
// first of these it starts with (case matters): dev 0, alpha or a 1,
// beta or b 2, RC or rc 3, pl or p 5; any other word is -1.
func phpSpecialOrder(w string) int {
	switch {
	case strings.HasPrefix(w, "dev"):
		return 0
	case strings.HasPrefix(w, "a"):
		return 1
	case strings.HasPrefix(w, "b"):
		return 2
	case strings.HasPrefix(w, "RC"), strings.HasPrefix(w, "rc"):
		return 3
	case strings.HasPrefix(w, "p"):
		return 5
	}
	return -1
}
