package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// maxSyncError bounds the error message kept on a registry.
const maxSyncError = 300

// shortError is what readers may see of a failed registry request: the
// request and status, never the response body (a registry, or whatever an
// address pointed at, chooses that body), one line, bounded.
func shortError(err error) string {
	msg := err.Error()
	var te *transport.Error
	if errors.As(err, &te) {
		status := fmt.Sprintf("HTTP %d %s", te.StatusCode, http.StatusText(te.StatusCode))
		if len(te.Errors) > 0 && te.Errors[0].Code != "" {
			status += " (" + string(te.Errors[0].Code) + ")"
		}
		msg = strings.Replace(msg, te.Error(), status, 1)
	}
	msg = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, msg)
	if r := []rune(msg); len(r) > maxSyncError {
		msg = string(r[:maxSyncError]) + "…"
	}
	return msg
}
