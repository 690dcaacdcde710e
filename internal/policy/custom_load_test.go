package policy_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// wantLine is a broken rule file's expectation, in its own comments:
// "# want line N: text of the error".
var wantLine = regexp.MustCompile(`(?m)^# want line (\d+): (.*)$`)

type wantErr struct {
	line int
	text string
}

// TestLoadErrors loads each broken rule file of testdata/custom/load and
// checks that every error it declares is reported, with the file and the
// line, and nothing else, and that no rule of a broken file is loaded.
func TestLoadErrors(t *testing.T) {
	files, err := filepath.Glob("testdata/custom/load/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no broken rule files: %v", err)
	}
	fsys := os.DirFS("testdata/custom/load")
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var wants []wantErr
			for _, m := range wantLine.FindAllStringSubmatch(string(data), -1) {
				n, _ := strconv.Atoi(m[1])
				wants = append(wants, wantErr{n, m[2]})
			}
			rules, err := policy.LoadCustomRules(fsys, []string{name})
			if len(rules) != 0 || err == nil {
				t.Fatalf("loaded %d rules, error %v; want none and an error", len(rules), err)
			}
			checkLoadErrors(t, name, err, wants)
		})
	}
}

func checkLoadErrors(t *testing.T, file string, err error, wants []wantErr) {
	t.Helper()
	got := loadErrors(err)
	if len(got) != len(wants) {
		t.Fatalf("%d errors, want %d: %v", len(got), len(wants), err)
	}
	for i, w := range wants {
		le := got[i]
		if le.File != file || le.Line != w.line || !strings.Contains(le.Error(), w.text) {
			t.Errorf("error %d: %q (file %s line %d), want %s line %d containing %q", i, le.Error(), le.File, le.Line, file, w.line, w.text)
		}
	}
}

func loadErrors(err error) []*policy.LoadError {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	out := make([]*policy.LoadError, len(errs))
	for i, e := range errs {
		if !errors.As(e, &out[i]) {
			out[i] = &policy.LoadError{Err: e}
		}
	}
	return out
}

const okRule = `- id: %s
  title: A rule
  severity: low
  pods: true
  validations:
    - expression: "true"
`

func ruleFile(id string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte(strings.ReplaceAll(okRule, "%s", id))}
}

// TestLoadFolders checks what a folder contributes (its *.yaml and *.yml,
// in name order, not subfolders or other files) and that the same ID in
// two files names both.
func TestLoadFolders(t *testing.T) {
	fsys := fstest.MapFS{
		"rules/b.yaml":      ruleFile("acme.b"),
		"rules/a.yml":       ruleFile("acme.a"),
		"rules/notes.txt":   {Data: []byte("not rules")},
		"rules/sub/c.yaml":  ruleFile("acme.c"),
		"more.yaml":         ruleFile("acme.more"),
		"dup/one.yaml":      ruleFile("acme.same"),
		"dup/two.yaml":      ruleFile("acme.same"),
		"empty/empty.yaml":  {Data: nil},
		"big/too-big.yaml":  {Data: []byte("# " + strings.Repeat("x", 1<<20) + "\n")},
		"rules/README.yaml": {Data: []byte("# only a comment\n")},
	}
	rules, err := policy.LoadCustomRules(fsys, []string{"rules", "./more.yaml", "empty"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rules {
		ids = append(ids, r.ID)
	}
	if got := strings.Join(ids, " "); got != "acme.a acme.b acme.more" {
		t.Errorf("loaded %s, want acme.a acme.b acme.more", got)
	}
	for _, c := range []struct {
		paths []string
		want  string
	}{
		{[]string{"dup"}, "dup/two.yaml:1: rule acme.same: id already used at dup/one.yaml:1"},
		{[]string{"../etc/rules.yaml"}, "stay in its folder"},
		{[]string{"/etc/rules.yaml"}, "stay in its folder"},
		{[]string{"missing.yaml"}, "missing.yaml: open missing.yaml: file does not exist"},
		{[]string{"big"}, "big/too-big.yaml: larger than 1048576 bytes"},
	} {
		rules, err := policy.LoadCustomRules(fsys, c.paths)
		if err == nil || len(rules) != 0 || !strings.Contains(err.Error(), c.want) {
			t.Errorf("load %v: %d rules, error %v; want none and %q", c.paths, len(rules), err, c.want)
		}
	}
}
