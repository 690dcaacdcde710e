package builtin

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/policy"
)

var update = flag.Bool("update", false, "rewrite docs/policy-rules.md from the rules")

// golden is the committed rule reference, which the README links to.
var golden = filepath.Join("..", "..", "..", "docs", "policy-rules.md")

// TestReference keeps docs/policy-rules.md equal to what WriteReference
// makes of the built-in rules; -update rewrites it.
func TestReference(t *testing.T) {
	var b bytes.Buffer
	if err := policy.WriteReference(&b, Rules()); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("%s is out of date (first difference at line %d); run go test ./internal/policy/builtin -update", golden, firstDiff(got, string(want)))
	}
}

func firstDiff(a, b string) int {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return i + 1
		}
	}
	return min(len(al), len(bl)) + 1
}
