package version

import (
	"cmp"
	"strconv"
	"strings"
)

// Digit and letter helpers shared by the language schemes.

// langCmpNum compares two runs of ASCII digits as the numbers they spell,
// of any length and ignoring leading zeros, without converting them; an
// empty run is 0.
func langCmpNum(a, b string) int {
	a, b = langTrimZeros(a), langTrimZeros(b)
	if len(a) != len(b) {
		return cmp.Compare(len(a), len(b))
	}
	return strings.Compare(a, b)
}

// langTrimZeros cuts the leading zeros of a run of digits, keeping "0"
// for zero; an empty run is zero too, as in "1.0a" (1.0a0).
func langTrimZeros(d string) string {
	for len(d) > 1 && d[0] == '0' {
		d = d[1:]
	}
	if d == "" {
		return "0"
	}
	return d
}

// langDigitRun returns how many ASCII digits s starts with.
func langDigitRun(s string) int {
	i := 0
	for i < len(s) && langIsDigit(s[i]) {
		i++
	}
	return i
}

func langAllDigits(s string) bool { return s != "" && langDigitRun(s) == len(s) }

func langIsDigit(b byte) bool { return '0' <= b && b <= '9' }

func langIsAlpha(b byte) bool { return 'a' <= b|0x20 && b|0x20 <= 'z' }

func langIsAlnum(b byte) bool { return langIsDigit(b) || langIsAlpha(b) }

// langQuote quotes a fragment of input for an error message.
func langQuote(s string) string {
	const limit = 32
	if len(s) > limit {
		s = s[:limit] + "…"
	}
	return strconv.Quote(s)
}
