package workload

import "strings"

// matchPattern reports whether s matches a list entry of Azure Policy's
// and Gatekeeper's pattern syntax: "*" matches everything, an entry ending
// in "*" matches by prefix ("kernel.*", "localhost/*"), any other entry
// matches exactly.
func matchPattern(pattern, s string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(s, prefix)
	}
	return pattern == s
}

// matchAnyPattern reports whether s matches one of the patterns.
func matchAnyPattern(patterns []string, s string) bool {
	for _, p := range patterns {
		if matchPattern(p, s) {
			return true
		}
	}
	return false
}
