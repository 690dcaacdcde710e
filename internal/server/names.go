package server

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// nameRule says what validName accepts, for error messages.
const nameRule = "a name is 1 to 100 printable characters, without leading or trailing spaces"

// validName reports whether s may name a token, registry or other object
// people read in lists and logs: bounded, printable, trimmed.
func validName(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > 100 || !utf8.ValidString(s) || strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
