package workload

import (
	"fmt"
	"strconv"
	"strings"
)

// portRange is an inclusive range of ports.
type portRange struct{ lo, hi int }

// parsePortRanges reads Azure's allowedHostPorts entries: a port ("80") or
// a range ("3000-5000").
func parsePortRanges(entries []string) ([]portRange, error) {
	out := make([]portRange, 0, len(entries))
	for _, e := range entries {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(e), "-")
		if !isRange {
			hi = lo
		}
		l, err1 := strconv.Atoi(strings.TrimSpace(lo))
		h, err2 := strconv.Atoi(strings.TrimSpace(hi))
		if err1 != nil || err2 != nil || l < 0 || h > 65535 || l > h {
			return nil, fmt.Errorf("parameter allowedHostPorts: %q is not a port or a range of ports", e)
		}
		out = append(out, portRange{l, h})
	}
	return out, nil
}

func inPortRanges(rs []portRange, port int) bool {
	for _, r := range rs {
		if port >= r.lo && port <= r.hi {
			return true
		}
	}
	return false
}
