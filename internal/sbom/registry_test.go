package sbom

import "testing"

func TestCatalogerNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Catalogers() {
		if c.Name() == "" || seen[c.Name()] {
			t.Errorf("cataloger name %q is empty or used twice", c.Name())
		}
		seen[c.Name()] = true
	}
	if len(seen) < 17 {
		t.Errorf("%d catalogers registered, want every ecosystem's", len(seen))
	}
}
