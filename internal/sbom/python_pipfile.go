package sbom

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// pyPipfileLock is the part of Pipfile.lock Bulwark reads: the default and
// develop sections, each mapping a package name to its locked entry.
type pyPipfileLock struct {
	Default map[string]pyPipfileEntry `json:"default"`
	Develop map[string]pyPipfileEntry `json:"develop"`
}

// pyPipfileEntry is one locked package; Version is "==1.2.3", and absent for
// packages taken from version control or a path.
type pyPipfileEntry struct {
	Version string `json:"version"`
}

// pyParsePipfile reads the pinned packages of a Pipfile.lock, default ones
// first, each section sorted by name.
func pyParsePipfile(r io.Reader) ([]pyPin, error) {
	var lock pyPipfileLock
	if err := json.NewDecoder(r).Decode(&lock); err != nil {
		return nil, fmt.Errorf("parse Pipfile.lock: %w", err)
	}
	pins := pyPipfileSection(lock.Default, false)
	return append(pins, pyPipfileSection(lock.Develop, true)...), nil
}

// pyPipfileSection returns the exactly pinned entries of one section.
func pyPipfileSection(section map[string]pyPipfileEntry, dev bool) []pyPin {
	var pins []pyPin
	for name, e := range section {
		v, ok := strings.CutPrefix(e.Version, "==")
		v = strings.TrimPrefix(v, "=")
		if !ok || v == "" {
			continue
		}
		pins = append(pins, pyPin{Name: name, Version: v, Dev: dev})
	}
	sort.Slice(pins, func(i, j int) bool { return pins[i].Name < pins[j].Name })
	return pins
}
