package match

import (
	"testing"

	"github.com/bulwarksec/bulwark/internal/version"
	"github.com/bulwarksec/bulwark/internal/vulndb"
)

// ev builds events from pairs: "i" introduced, "f" fixed, "l"
// last_affected, "x" limit.
func ev(pairs ...string) []vulndb.Event {
	var out []vulndb.Event
	for i := 0; i+1 < len(pairs); i += 2 {
		switch pairs[i] {
		case "i":
			out = append(out, vulndb.Event{Introduced: pairs[i+1]})
		case "f":
			out = append(out, vulndb.Event{Fixed: pairs[i+1]})
		case "l":
			out = append(out, vulndb.Event{LastAffected: pairs[i+1]})
		case "x":
			out = append(out, vulndb.Event{Limit: pairs[i+1]})
		}
	}
	return out
}

// TestEvaluateOSVRanges follows the OSV schema's evaluation rules (events
// sorted by version; introduced opens, fixed and limit close at, and
// last_affected closes after, their version).
func TestEvaluateOSVRanges(t *testing.T) {
	s := version.Lookup("semver")
	if s == nil {
		t.Fatal("no semver scheme registered")
	}
	cases := []struct {
		name      string
		events    []vulndb.Event
		versions  []string
		installed string
		affected  bool
		fixed     string
	}{
		{"below fix", ev("i", "0", "f", "1.2.3"), nil, "1.2.2", true, "1.2.3"},
		{"at fix", ev("i", "0", "f", "1.2.3"), nil, "1.2.3", false, ""},
		{"above fix", ev("i", "0", "f", "1.2.3"), nil, "2.0.0", false, ""},
		{"before introduced", ev("i", "1.0.0", "f", "1.2.3"), nil, "0.9.0", false, ""},
		{"at introduced", ev("i", "1.0.0", "f", "1.2.3"), nil, "1.0.0", true, "1.2.3"},
		{"pre-release below fix", ev("i", "0", "f", "1.2.3"), nil, "1.2.3-rc.1", true, "1.2.3"},
		{"second interval", ev("i", "0", "f", "1.0.5", "i", "2.0.0", "f", "2.1.1"), nil, "2.0.4", true, "2.1.1"},
		{"first interval gets first fix", ev("i", "0", "f", "1.0.5", "i", "2.0.0", "f", "2.1.1"), nil, "1.0.0", true, "1.0.5"},
		{"between intervals", ev("i", "0", "f", "1.0.5", "i", "2.0.0", "f", "2.1.1"), nil, "1.5.0", false, ""},
		{"unsorted events", ev("f", "2.1.1", "i", "2.0.0", "f", "1.0.5", "i", "0"), nil, "2.0.4", true, "2.1.1"},
		{"last_affected includes", ev("i", "0", "l", "1.4.0"), nil, "1.4.0", true, ""},
		{"last_affected excludes above", ev("i", "0", "l", "1.4.0"), nil, "1.4.1", false, ""},
		{"limit", ev("i", "0", "x", "1.4.0"), nil, "1.4.0", false, ""},
		{"open ended", ev("i", "1.0.0"), nil, "9.9.9", true, ""},
		{"versions list only", nil, []string{"1.0.0", "1.0.1"}, "1.0.1", true, ""},
		{"versions list miss", nil, []string{"1.0.0", "1.0.1"}, "1.0.2", false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := vulndb.Entry{ID: "T-1", Versions: c.versions}
			if c.events != nil {
				e.Ranges = []vulndb.Range{{Type: "SEMVER", Events: c.events}}
			}
			iv, err := s.Parse(c.installed)
			if err != nil {
				t.Fatal(err)
			}
			got := evaluate(e, s, iv, c.installed)
			if got.err != nil {
				t.Fatalf("error: %v", got.err)
			}
			if got.affected != c.affected || got.fixed != c.fixed {
				t.Fatalf("affected=%v fixed=%q, want %v %q", got.affected, got.fixed, c.affected, c.fixed)
			}
		})
	}
}

// TestEvaluateCouldNotCompare: a version the scheme cannot read is an
// explicit could-not-compare, never silently "not affected".
func TestEvaluateCouldNotCompare(t *testing.T) {
	s := version.Lookup("semver")
	e := vulndb.Entry{ID: "T-2", Ranges: []vulndb.Range{{Type: "SEMVER", Events: ev("i", "0", "f", "not a version!")}}}
	iv, _ := s.Parse("1.0.0")
	got := evaluate(e, s, iv, "1.0.0")
	if got.err == nil || got.affected {
		t.Fatalf("got %+v, want an error", got)
	}
}
