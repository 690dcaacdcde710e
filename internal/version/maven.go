package version

import (
	"cmp"
	"strings"
	"unicode/utf8"
)

// Maven orders versions as Maven's ComparableVersion does (maven-artifact
// 3.8.7, with MNG-6964 and MNG-7644): any string is a version. It is split
// into numbers and qualifiers at ".", "-" and digit/letter changes; "-" and
// a change to letters open a sub-list; trailing zeros and release aliases
// ("ga", "final", "release") are dropped; qualifiers order alpha < beta <
// milestone < rc < snapshot < release < sp < any other (alphabetical),
// and "a1", "b1", "m1" mean alpha-1, beta-1, milestone-1.
//
// Two of Java's behaviours are not followed for text outside ASCII: only
// ASCII digits are digits, and letters are lowercased rune by rune.
type Maven struct{}

var _ Scheme = Maven{}

// Name returns "maven".
func (Maven) Name() string { return "maven" }

// Parse reads s as a Maven version; it fails only on invalid UTF-8, which
// Java strings cannot hold.
func (Maven) Parse(s string) (Version, error) {
	if !utf8.ValidString(s) {
		return nil, &ParseError{Scheme: "maven", Input: s, Reason: "invalid UTF-8"}
	}
	return &mavenVersion{raw: s, items: mavenItems(s)}, nil
}

// Kinds of mavenItem. Numbers are sized as Java's IntItem, LongItem and
// BigIntegerItem and compare by size class first, as Java does.
const (
	mavenInt = iota
	mavenLong
	mavenBig
	mavenString
	// mavenList marks that the items after it are in a sub-list. A
	// sub-list is always the last element of its list, so a version is a
	// flat run of items cut into nested lists by these marks.
	mavenList
)

// Ranks of the known qualifiers; any other sorts after them, by text.
const (
	mavenRelease = 5 // "" and its aliases
	mavenOther   = 7
)

var mavenQualifiers = [...]string{"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"}

// mavenItem is one number, qualifier or sub-list mark.
type mavenItem struct {
	// text is a number's digits without leading zeros, or a qualifier.
	text string
	kind uint8
	// rank is a qualifier's place in mavenQualifiers, or mavenOther.
	rank uint8
}

// mavenVersion is one parsed Maven version.
type mavenVersion struct {
	raw   string
	items []mavenItem
}

func (v *mavenVersion) String() string { return v.raw }

// isNull reports whether an item is dropped when it ends a list.
func (it mavenItem) isNull() bool {
	if it.kind == mavenString {
		return it.rank == mavenRelease
	}
	return it.kind != mavenList && it.text == "0"
}

// mavenNumber sizes a run of digits as Java does: by its length without
// leading zeros, or its full length when it is all zeros.
func mavenNumber(d string) mavenItem {
	t := strings.TrimLeft(d, "0")
	n := len(t)
	if t == "" {
		n, t = len(d), "0"
	}
	kind := uint8(mavenBig)
	switch {
	case n <= 9:
		kind = mavenInt
	case n <= 18:
		kind = mavenLong
	}
	return mavenItem{text: t, kind: kind}
}

// mavenQualifier makes a qualifier item; followedByDigit expands the
// one-letter forms a, b and m.
func mavenQualifier(q string, followedByDigit bool) mavenItem {
	if followedByDigit && len(q) == 1 {
		switch q {
		case "a":
			q = "alpha"
		case "b":
			q = "beta"
		case "m":
			q = "milestone"
		}
	}
	switch q {
	case "ga", "final", "release":
		q = ""
	case "cr":
		q = "rc"
	}
	for i, k := range mavenQualifiers {
		if q == k {
			return mavenItem{text: k, kind: mavenString, rank: uint8(i)}
		}
	}
	return mavenItem{text: q, kind: mavenString, rank: mavenOther}
}

// Compare orders v and o as ComparableVersion.compareTo does.
func (v *mavenVersion) Compare(o Version) int {
	w, ok := o.(*mavenVersion)
	if !ok {
		mismatch(v, o)
	}
	return mavenCompare(v.items, w.items)
}

// mavenCompare walks both item runs in step; entering a sub-list on both
// sides just goes on, since each sub-list ends its parent.
func mavenCompare(a, b []mavenItem) int {
	for i, j := 0, 0; ; i, j = i+1, j+1 {
		switch {
		case i == len(a) && j == len(b):
			return 0
		case i == len(a):
			return -mavenCompareNull(b[j:])
		case j == len(b):
			return mavenCompareNull(a[i:])
		}
		if c := mavenCompareItem(a[i], b[j]); c != 0 {
			return c
		}
	}
}

// mavenCompareNull compares what is left of a list with nothing: the first
// item that is not null decides.
func mavenCompareNull(rest []mavenItem) int {
	for _, it := range rest {
		switch {
		case it.kind == mavenList:
		case it.kind == mavenString:
			if it.rank != mavenRelease {
				return cmp.Compare(it.rank, mavenRelease)
			}
		case it.text != "0":
			return 1
		}
	}
	return 0
}

// mavenCompareItem compares two items at the same place; two list marks
// are equal so far.
func mavenCompareItem(x, y mavenItem) int {
	xn, yn := x.kind <= mavenBig, y.kind <= mavenBig
	switch {
	case xn && yn:
		if x.kind != y.kind {
			return cmp.Compare(x.kind, y.kind)
		}
		return langCmpNum(x.text, y.text)
	case xn:
		return 1
	case yn:
		return -1
	case x.kind != y.kind: // a qualifier sorts before a sub-list
		return cmp.Compare(x.kind, y.kind)
	case x.kind == mavenList:
		return 0
	case x.rank != y.rank:
		return cmp.Compare(x.rank, y.rank)
	}
	return strings.Compare(x.text, y.text)
}

// mavenParser builds the flat item run of one version.
type mavenParser struct {
	items []mavenItem
	// list is where the innermost open list's items begin.
	list int
}

func (p *mavenParser) add(it mavenItem) { p.items = append(p.items, it) }

// open starts a sub-list inside the innermost one.
func (p *mavenParser) open() {
	p.add(mavenItem{kind: mavenList})
	p.list = len(p.items)
}

// mavenToken makes the item for a run of digits or of other characters.
func mavenToken(digits bool, t string) mavenItem {
	if digits {
		return mavenNumber(t)
	}
	return mavenQualifier(t, false)
}

// mavenItems splits s as ComparableVersion.parseVersion does.
func mavenItems(s string) []mavenItem {
	s = mavenLower(s)
	p := mavenParser{items: make([]mavenItem, 0, len(s)/2+2)}
	digits, start := false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.' || c == '-':
			if i == start {
				p.add(mavenItem{text: "0", kind: mavenInt})
			} else {
				p.add(mavenToken(digits, s[start:i]))
			}
			start = i + 1
			if c == '-' {
				p.open()
			}
		case langIsDigit(c):
			if !digits && i > start {
				// "1.0.0.X1" < "1.0.0-X2": a qualifier always opens a list.
				if len(p.items) > p.list {
					p.open()
				}
				p.add(mavenQualifier(s[start:i], true))
				start = i
				p.open()
			}
			digits = true
		default:
			if digits && i > start {
				p.add(mavenNumber(s[start:i]))
				start = i
				p.open()
			}
			digits = false
		}
	}
	if start < len(s) {
		if !digits && len(p.items) > p.list {
			p.open()
		}
		p.add(mavenToken(digits, s[start:]))
	}
	return mavenNormalize(p.items)
}

// mavenLower lowercases s as Java's toLowerCase(Locale.ENGLISH) does for
// ASCII, copying only when it must.
func mavenLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// mavenNormalize drops the null items (zeros, release qualifiers) that end
// each list, then the sub-lists left empty, in place.
func mavenNormalize(items []mavenItem) []mavenItem {
	w, keep := 0, 0 // keep: length of out up to the last list with an item
	for r := 0; r <= len(items); {
		end := r
		for end < len(items) && items[end].kind != mavenList {
			end++
		}
		kept := end
		for kept > r && items[kept-1].isNull() {
			kept--
		}
		if r > 0 {
			items[w] = items[r-1] // the mark that opened this list
			w++
		}
		w += copy(items[w:], items[r:kept])
		if kept > r || r == 0 {
			keep = w
		}
		r = end + 1
	}
	return items[:keep]
}
