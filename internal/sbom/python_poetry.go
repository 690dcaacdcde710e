package sbom

import (
	"fmt"
	"io"
	"slices"

	"github.com/BurntSushi/toml"
)

// pyPoetryLock is the part of poetry.lock Bulwark reads.
type pyPoetryLock struct {
	Package []struct {
		Name    string `toml:"name"`
		Version string `toml:"version"`
		// Category is Poetry 1's "main" or "dev"; Groups is Poetry 2's list
		// of dependency groups.
		Category string   `toml:"category"`
		Groups   []string `toml:"groups"`
	} `toml:"package"`
}

// pyParsePoetry reads the [[package]] tables of a poetry.lock, each an exact
// version Poetry resolved.
func pyParsePoetry(r io.Reader) ([]pyPin, error) {
	var lock pyPoetryLock
	if _, err := toml.NewDecoder(r).Decode(&lock); err != nil {
		return nil, fmt.Errorf("parse poetry.lock: %w", err)
	}
	var pins []pyPin
	for _, p := range lock.Package {
		if p.Name == "" || p.Version == "" {
			continue
		}
		dev := p.Category == "dev" || (len(p.Groups) > 0 && !slices.Contains(p.Groups, "main"))
		pins = append(pins, pyPin{Name: p.Name, Version: p.Version, Dev: dev})
	}
	return pins, nil
}
