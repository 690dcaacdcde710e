package server

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
)

// Bounds on a notification's times: registries retry for a while, but an
// event from the distant past or the future is not one.
const (
	eventMaxAge    = 30 * 24 * time.Hour
	eventMaxFuture = 10 * time.Minute
)

// checkEvent validates what a notification says against the distribution
// grammar (github.com/distribution/reference, the registry's own) before
// any of it is stored; the error names the field. i is the event's index.
func checkEvent(i int, e registryEvent, now time.Time) error {
	field := func(name string) string { return fmt.Sprintf("events[%d].%s", i, name) }
	if e.ID == "" || len(e.ID) > 128 || strings.IndexFunc(e.ID, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return fmt.Errorf("%s: want 1 to 128 printable characters", field("id"))
	}
	named, err := reference.WithName(e.Repository)
	if err != nil || strings.ContainsRune(e.Repository, ':') {
		return fmt.Errorf("%s %q: not a repository name", field("repository"), truncate(e.Repository))
	}
	if e.Digest != "" {
		d, err := digest.Parse(e.Digest)
		if err != nil || (d.Algorithm() != digest.SHA256 && d.Algorithm() != digest.SHA512) {
			return fmt.Errorf("%s %q: want sha256:<64 hex> or sha512:<128 hex>", field("digest"), truncate(e.Digest))
		}
	}
	if e.Tag != "" {
		if _, err := reference.WithTag(named, e.Tag); err != nil {
			return fmt.Errorf("%s %q: not a tag", field("tag"), truncate(e.Tag))
		}
	}
	if e.Digest == "" && (e.Action != "delete" || e.Tag == "") {
		return fmt.Errorf("%s: missing", field("digest"))
	}
	if e.At.Before(now.Add(-eventMaxAge)) || e.At.After(now.Add(eventMaxFuture)) {
		return fmt.Errorf("%s %s: more than 30 days old or in the future", field("timestamp"), e.At.Format(time.RFC3339))
	}
	return nil
}

// truncate shortens s for an error message.
func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
