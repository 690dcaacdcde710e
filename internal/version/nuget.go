package version

import (
	"cmp"
	"strings"
)

// NuGet orders NuGet package versions as NuGet.Versioning's default
// VersionComparer does: SemVer 2.0.0 with an optional fourth number
// ("1.2.3.4"), one to four numbers that may have leading zeros ("1" is
// 1.0.0, "1.01" is 1.1.0), each at most 2^31-1; release labels compared
// without regard to case; build metadata ignored.
//
// The rules, from NuGet's "Package versioning" documentation
// (learn.microsoft.com/nuget/concepts/package-versioning) and
// NuGet.Versioning: a missing fourth number is 0; a version with release
// labels sorts before the same version without; labels compare one by
// one, numerically when both are numbers (as .NET's Int32.TryParse reads
// them, so a label above 2^31-1 is text), a number before text, text
// ordinally ignoring case; a shorter run of labels sorts first when equal
// so far; numeric labels may not have leading zeros.
type NuGet struct{}

var _ Scheme = NuGet{}

// Name returns "nuget".
func (NuGet) Name() string { return "nuget" }

// Parse reads s as a NuGet version.
func (NuGet) Parse(s string) (Version, error) {
	v := &nugetVersion{raw: s}
	if reason := v.parse(strings.TrimSpace(s)); reason != "" {
		return nil, &ParseError{Scheme: "nuget", Input: s, Reason: reason}
	}
	return v, nil
}

// nugetVersion is one parsed NuGet version.
type nugetVersion struct {
	raw  string
	nums [4]int32
	// labels is the dot-separated release labels, "" for none.
	labels string
}

func (v *nugetVersion) String() string { return v.raw }

func (v *nugetVersion) parse(s string) string {
	core, labels, meta := s, "", ""
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		core = s[:i]
		if s[i] == '+' {
			meta = s[i+1:]
			if meta == "" {
				return "empty build metadata"
			}
		} else {
			labels, meta, _ = strings.Cut(s[i+1:], "+")
			if labels == "" {
				return "empty release label"
			}
			if strings.HasSuffix(s, "+") {
				return "empty build metadata"
			}
		}
	}
	if reason := v.parseCore(core); reason != "" {
		return reason
	}
	if labels != "" {
		if reason := nugetCheckParts(labels, false); reason != "" {
			return "release label: " + reason
		}
		v.labels = labels
	}
	if meta != "" {
		if reason := nugetCheckParts(meta, true); reason != "" {
			return "build metadata: " + reason
		}
	}
	return ""
}

// parseCore reads one to four numbers joined by ".".
func (v *nugetVersion) parseCore(s string) string {
	for i := range v.nums {
		num, rest, more := strings.Cut(s, ".")
		n, ok := nugetParseUint(num)
		if !ok {
			return "version part " + langQuote(num) + " is not a number from 0 to 2147483647"
		}
		v.nums[i] = n
		if !more {
			return ""
		}
		s = rest
	}
	return "more than four version numbers"
}

// nugetParseUint reads a run of digits (leading zeros allowed) of at most
// 2^31-1.
func nugetParseUint(s string) (int32, bool) {
	if !langAllDigits(s) || langCmpNum(s, "2147483647") > 0 {
		return 0, false
	}
	var n int32
	for i := 0; i < len(s); i++ {
		n = n*10 + int32(s[i]-'0')
	}
	return n, true
}

// nugetCheckParts checks "."-separated parts of [0-9A-Za-z-]+; all-digit
// release labels may not have leading zeros.
func nugetCheckParts(s string, leadingZeros bool) string {
	for {
		part, rest, more := strings.Cut(s, ".")
		if part == "" {
			return "empty part"
		}
		for i := 0; i < len(part); i++ {
			if b := part[i]; !langIsAlnum(b) && b != '-' {
				return "character " + langQuote(part[i:i+1]) + " not in [0-9A-Za-z-]"
			}
		}
		if !leadingZeros && len(part) > 1 && part[0] == '0' && langAllDigits(part) {
			return "number " + part + " has a leading zero"
		}
		if !more {
			return ""
		}
		s = rest
	}
}

// Compare orders v and o as NuGet's VersionComparer.Default does.
func (v *nugetVersion) Compare(o Version) int {
	w, ok := o.(*nugetVersion)
	if !ok {
		mismatch(v, o)
	}
	for i := range v.nums {
		if v.nums[i] != w.nums[i] {
			return cmp.Compare(v.nums[i], w.nums[i])
		}
	}
	switch {
	case v.labels == w.labels:
		return 0
	case v.labels == "":
		return 1
	case w.labels == "":
		return -1
	}
	return nugetCompareLabels(v.labels, w.labels)
}

func nugetCompareLabels(a, b string) int {
	for {
		x, ra, moreA := strings.Cut(a, ".")
		y, rb, moreB := strings.Cut(b, ".")
		if c := nugetCompareLabel(x, y); c != 0 {
			return c
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

func nugetCompareLabel(x, y string) int {
	nx, okx := nugetLabelNumber(x)
	ny, oky := nugetLabelNumber(y)
	switch {
	case okx && oky:
		return cmp.Compare(nx, ny)
	case okx:
		return -1
	case oky:
		return 1
	}
	return nugetCompareFold(x, y)
}

// nugetLabelNumber reads a label as Int32.TryParse does; the label's
// alphabet leaves only an optional "-" sign and digits to consider.
func nugetLabelNumber(s string) (int64, bool) {
	neg := strings.HasPrefix(s, "-")
	d := strings.TrimPrefix(s, "-")
	limit := "2147483647"
	if neg {
		limit = "2147483648"
	}
	if !langAllDigits(d) || langCmpNum(d, limit) > 0 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(d); i++ {
		n = n*10 + int64(d[i]-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// nugetCompareFold compares as StringComparer.OrdinalIgnoreCase does on
// ASCII: both sides upper-cased, then ordinal.
func nugetCompareFold(x, y string) int {
	for i := 0; i < len(x) && i < len(y); i++ {
		a, b := nugetUpper(x[i]), nugetUpper(y[i])
		if a != b {
			return cmp.Compare(a, b)
		}
	}
	return cmp.Compare(len(x), len(y))
}

func nugetUpper(b byte) byte {
	if 'a' <= b && b <= 'z' {
		return b - ('a' - 'A')
	}
	return b
}
