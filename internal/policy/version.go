package policy

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a Pod Security Standards version ("v1.30"), as the
// pod-security.kubernetes.io/*-version namespace labels name them. The
// zero Version is "latest".
type Version struct {
	// Pinned is false for latest.
	Pinned bool
	// Minor is the minor version of major version 1 when Pinned.
	Minor int
}

// Latest is the newest version of the standards this build knows.
var Latest = Version{}

// ParseVersion reads "latest" or "v1.N" (the "v" optional).
func ParseVersion(s string) (Version, error) {
	if s == "" || s == "latest" {
		return Latest, nil
	}
	rest, ok := strings.CutPrefix(strings.TrimPrefix(s, "v"), "1.")
	n, err := strconv.Atoi(rest)
	if !ok || err != nil || n < 0 {
		return Version{}, fmt.Errorf("pss version %q: want latest or v1.N", s)
	}
	return Version{Pinned: true, Minor: n}, nil
}

// AtLeast reports whether v is 1.minor or newer; latest is newer than all.
func (v Version) AtLeast(minor int) bool { return !v.Pinned || v.Minor >= minor }

// String returns "latest" or "v1.N".
func (v Version) String() string {
	if !v.Pinned {
		return "latest"
	}
	return "v1." + strconv.Itoa(v.Minor)
}
