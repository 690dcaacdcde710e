package policy

import (
	"strconv"
	"strings"
	"testing"
)

func TestReadDocuments(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		lines []int
		err   string
	}{
		{"one object", "apiVersion: v1\nkind: Pod\n", []int{1}, ""},
		{"documents with empty ones and comments", "# c\n---\napiVersion: v1\nkind: Pod\n---\n---\n\napiVersion: v1\nkind: Service\n", []int{3, 8}, ""},
		{"json", `{"apiVersion":"v1","kind":"Pod"}`, []int{1}, ""},
		{"list items", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n- apiVersion: v1\n  kind: Pod\n", []int{4, 6}, ""},
		{"typed list", "apiVersion: v1\nkind: PodList\nitems:\n- {apiVersion: v1, kind: Pod}\n", []int{4}, ""},
		{"scalar document", "just text\n", nil, "in.yaml:1: a document is not an object"},
		{"sequence document", "- a\n- b\n", nil, "a document is not an object"},
		{"broken yaml", "a: [\n", nil, "in.yaml"},
		{"non-string key", "1: a\n", nil, "in.yaml:1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := ReadDocuments(strings.NewReader(tc.in), "in.yaml")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var lines []int
			for _, d := range docs {
				lines = append(lines, d.Line)
				if _, err := Decode(d.JSON); err != nil {
					t.Errorf("document at line %d: %v", d.Line, err)
				}
			}
			if len(lines) != len(tc.lines) {
				t.Fatalf("lines %v, want %v", lines, tc.lines)
			}
			for i := range lines {
				if lines[i] != tc.lines[i] {
					t.Fatalf("lines %v, want %v", lines, tc.lines)
				}
			}
		})
	}
}

// TestReadDocumentsAliasBomb: YAML aliases that expand exponentially are
// refused, not expanded.
func TestReadDocumentsAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		b.WriteString("a" + strconv.Itoa(i) + ": &a" + strconv.Itoa(i) + " [")
		for j := 0; j < 10; j++ {
			b.WriteString("*a" + strconv.Itoa(i-1) + ",")
		}
		b.WriteString("]\n")
	}
	if _, err := ReadDocuments(strings.NewReader(b.String()), "bomb.yaml"); err == nil {
		t.Fatal("alias bomb accepted")
	}
}

func FuzzReadDocuments(f *testing.F) {
	for _, s := range []string{"apiVersion: v1\nkind: Pod\n", "apiVersion: v1\nkind: List\nitems: [{kind: Pod}]\n", "---\n---\n", `{"a": [1, {"b": null}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := ReadDocuments(strings.NewReader(string(data)), "fuzz.yaml")
		if err != nil {
			return
		}
		for _, d := range docs {
			_, _ = Decode(d.JSON)
		}
	})
}
