package version

import "strings"

// Gem orders RubyGems versions as Gem::Version does (RubyGems 3.3): a
// version is digits, then "." and runs of letters and digits, then an
// optional "-" prerelease (read as ".pre."); white space around it is
// ignored and an empty version is "0". It compares as a list of numbers
// and letter runs: trailing zeros of the release part and of the
// prerelease part are dropped, a letter run (prerelease) sorts before any
// number, and letter runs compare byte by byte, so case matters.
type Gem struct{}

var _ Scheme = Gem{}

// Name returns "gem".
func (Gem) Name() string { return "gem" }

// Parse reads s as a RubyGems version.
func (Gem) Parse(s string) (Version, error) {
	t := strings.Trim(s, " \t\n\v\f\r")
	if reason := gemCheck(t); reason != "" {
		return nil, &ParseError{Scheme: "gem", Input: s, Reason: reason}
	}
	return newGemVersion(s, t), nil
}

// gemCheck checks t against Gem::Version's pattern:
// [0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?
func gemCheck(t string) string {
	if t == "" {
		return ""
	}
	n := langDigitRun(t)
	if n == 0 {
		return "does not start with a digit"
	}
	release, pre, hasPre := strings.Cut(t[n:], "-")
	if !gemCheckParts(release, false) {
		return "release " + langQuote(t[:n]+release) + " is not digits followed by .alphanumerics"
	}
	if hasPre && (pre == "" || !gemCheckParts("."+pre, true)) {
		return "prerelease " + langQuote(pre) + " is not .-separated [0-9A-Za-z-]+"
	}
	return ""
}

// gemCheckParts checks that s is empty or a run of "." each followed by
// one or more alphanumerics (or "-" when dash).
func gemCheckParts(s string, dash bool) bool {
	part := -1 // -1: a "." must come next
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b == '.' && part != 0:
			part = 0
		case part >= 0 && (langIsAlnum(b) || dash && b == '-'):
			part++
		default:
			return false
		}
	}
	return part != 0
}

// gemVersion is one parsed RubyGems version, compared by walking its text.
type gemVersion struct {
	raw string
	// text is the version without surrounding white space.
	text string
	// relEnd is where the release's last non-zero number ends, and preAt
	// where the first letter or "-" is: the canonical segments are the
	// tokens of text[:relEnd] then those of text[preAt:].
	relEnd, preAt int
}

func newGemVersion(raw, t string) *gemVersion {
	v := &gemVersion{raw: raw, text: t, preAt: len(t)}
	for i := 0; i < len(t); i++ {
		if c := t[i]; c == '-' || langIsAlpha(c) {
			v.preAt = i
			break
		}
	}
	for i := 0; i < v.preAt; {
		n := langDigitRun(t[i:])
		if n > 0 && langTrimZeros(t[i:i+n]) != "0" {
			v.relEnd = i + n
		}
		i += max(n, 1)
	}
	return v
}

func (v *gemVersion) String() string { return v.raw }

// gemTokens walks the canonical segments of a version.
type gemTokens struct {
	s      string
	i, end int
	// next is where the prerelease part starts, once the release is done.
	next int
}

// token returns the next segment: a run of digits or of letters; "-"
// stands for "pre". ok is false at the end.
func (g *gemTokens) token() (tok string, num, ok bool) {
	for {
		if g.i >= g.end {
			if g.next < 0 {
				return "", false, false
			}
			g.i, g.end, g.next = g.next, len(g.s), -1
			continue
		}
		c := g.s[g.i]
		switch {
		case c == '-':
			g.i++
			return "pre", false, true
		case langIsDigit(c):
			n := langDigitRun(g.s[g.i:g.end])
			g.i += n
			return g.s[g.i-n : g.i], true, true
		case langIsAlpha(c):
			n := 1
			for g.i+n < g.end && langIsAlpha(g.s[g.i+n]) {
				n++
			}
			g.i += n
			return g.s[g.i-n : g.i], false, true
		}
		g.i++
	}
}

// Compare orders v and o as Gem::Version#<=> does.
func (v *gemVersion) Compare(o Version) int {
	w, ok := o.(*gemVersion)
	if !ok {
		mismatch(v, o)
	}
	a := gemTokens{s: v.text, end: v.relEnd, next: v.preAt}
	b := gemTokens{s: w.text, end: w.relEnd, next: w.preAt}
	for {
		x, xn, xok := a.token()
		y, yn, yok := b.token()
		if !xok && !yok {
			return 0
		}
		if !xok {
			x, xn = "0", true
		}
		if !yok {
			y, yn = "0", true
		}
		var c int
		switch {
		case xn && yn:
			c = langCmpNum(x, y)
		case xn:
			return 1
		case yn:
			return -1
		default:
			c = strings.Compare(x, y)
		}
		if c != 0 {
			return c
		}
	}
}
