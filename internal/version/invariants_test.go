package version

import (
	"fmt"
	"testing"
)

// checkInvariants checks what must hold for any strings of a scheme: a
// version that parses prints as given, parses again to an equal version
// and equals itself; Compare returns -1, 0 or +1 and is antisymmetric;
// and, when transitive is true, transitive over every triple.
func checkInvariants(t *testing.T, s Scheme, transitive bool, strs ...string) {
	t.Helper()
	var vs []Version
	for _, str := range strs {
		v, err := s.Parse(str)
		if err != nil {
			continue
		}
		if v.String() != str {
			t.Fatalf("Parse(%q).String() = %q", str, v.String())
		}
		w, err := s.Parse(v.String())
		if err != nil || v.Compare(w) != 0 || v.Compare(v) != 0 {
			t.Fatalf("%q does not parse again to an equal version (%v)", str, err)
		}
		vs = append(vs, v)
	}
	for _, a := range vs {
		for _, b := range vs {
			ab, ba := a.Compare(b), b.Compare(a)
			if ab < -1 || ab > 1 || ab != -ba {
				t.Fatalf("Compare(%q, %q) = %d but Compare(%q, %q) = %d", a, b, ab, b, a, ba)
			}
			if !transitive {
				continue
			}
			for _, c := range vs {
				if msg := intransitive(a, b, c); msg != "" {
					t.Fatal(msg)
				}
			}
		}
	}
}

// intransitive describes how a, b and c break transitivity, or is "".
func intransitive(a, b, c Version) string {
	ab, bc, ac := a.Compare(b), b.Compare(c), a.Compare(c)
	if ab <= 0 && bc <= 0 && ac > 0 || ab == 0 && bc == 0 && ac != 0 || ab == 0 && ac != bc {
		return fmt.Sprintf("not transitive: %q vs %q = %d, %q vs %q = %d, %q vs %q = %d", a, b, ab, b, c, bc, a, c, ac)
	}
	return ""
}
