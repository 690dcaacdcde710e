package main

import (
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// parsePlatform reads os/arch[/variant] with go-containerregistry's parser,
// which also takes an os.version after a colon. An empty os or
// architecture is refused: it would match any image of a multi-arch index.
func parsePlatform(s string) (*v1.Platform, error) {
	p, err := v1.ParsePlatform(s)
	if err != nil || p.OS == "" || p.Architecture == "" || strings.Count(s, "/") > 2 {
		return nil, fmt.Errorf("--platform %q: want os/arch or os/arch/variant", s)
	}
	return p, nil
}
