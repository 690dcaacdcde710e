package pss

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy/policytest"
	"sigs.k8s.io/yaml"
)

const kyvernoDir = "testdata/library/kyverno-pss"

// TestKyvernoLibrary gives every example of Kyverno's published Pod
// Security policies the verdict Kyverno gives it, or the opposite where
// the manifest explains why PSS (and so Bulwark) differs.
func TestKyvernoLibrary(t *testing.T) {
	policytest.RunLibrary(t, kyvernoDir+"/cases.yaml", Rules())
}

// TestKyvernoManifest guards the manifest against slips: a chainsaw file's
// verdict is in its name (good, bad), a resource.yaml document's is
// Kyverno's result for it in kyverno-test.yaml, and every document of
// every kept file is judged once for its policy's rule.
func TestKyvernoManifest(t *testing.T) {
	data, err := os.ReadFile(kyvernoDir + "/cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cs []policytest.LibraryCase
	if err := yaml.UnmarshalStrict(data, &cs); err != nil {
		t.Fatal(err)
	}
	judged := map[string]map[int]int{} // file -> document -> times judged by its first rule
	first := map[string]string{}
	for _, c := range cs {
		docs, want := kyvernoVerdicts(t, c.File)
		if first[c.File] == "" {
			first[c.File] = c.Rule
		}
		for i := range docs {
			if !covers(c, i, cs) {
				continue
			}
			if c.Want != want[i] {
				t.Errorf("%s document %d: manifest says %s, Kyverno's test %s", c.File, i, c.Want, want[i])
			}
			if c.Rule == first[c.File] {
				if judged[c.File] == nil {
					judged[c.File] = map[int]int{}
				}
				judged[c.File][i]++
			}
		}
	}
	files, _ := filepath.Glob(kyvernoDir + "/*/*/*.yaml")
	more, _ := filepath.Glob(kyvernoDir + "/*/*/kyverno-test/resource.yaml")
	for _, f := range append(files, more...) {
		rel, _ := filepath.Rel(kyvernoDir, f)
		docs, _ := kyvernoVerdicts(t, rel)
		for i := range docs {
			if judged[rel][i] != 1 {
				t.Errorf("%s document %d is judged %d times, want once", rel, i, judged[rel][i])
			}
		}
	}
}

// covers mirrors RunLibrary's selection of a case's documents.
func covers(c policytest.LibraryCase, i int, all []policytest.LibraryCase) bool {
	listed := false
	for _, o := range all {
		for _, d := range o.Docs {
			listed = listed || (o.Rule == c.Rule && o.File == c.File && d == i)
		}
	}
	for _, d := range c.Docs {
		if d == i {
			return true
		}
	}
	return c.Docs == nil && !listed
}

// kyvernoVerdicts returns a kept file's documents and Kyverno's verdict on
// each: by the file's name for a chainsaw input, from kyverno-test.yaml
// (fail if any of the policy's rules fails it) for resource.yaml.
func kyvernoVerdicts(t *testing.T, file string) ([][]byte, []finding.Status) {
	docs, err := policytest.Documents(filepath.Join(kyvernoDir, file))
	if err != nil {
		t.Fatal(err)
	}
	want := make([]finding.Status, len(docs))
	results := map[string]finding.Status{}
	if filepath.Base(file) == "resource.yaml" {
		results = kyvernoResults(t, filepath.Join(kyvernoDir, filepath.Dir(file), "kyverno-test.yaml"))
	}
	for i, d := range docs {
		var o struct {
			Kind     string
			Metadata struct{ Name string }
		}
		if err := json.Unmarshal(d, &o); err != nil {
			t.Fatal(err)
		}
		switch {
		case filepath.Base(file) == "resource.yaml":
			want[i] = results[o.Kind+"/"+o.Metadata.Name]
		case strings.HasSuffix(file, "-good.yaml"):
			want[i] = finding.StatusPass
		default:
			want[i] = finding.StatusFail
		}
	}
	return docs, want
}

func kyvernoResults(t *testing.T, file string) map[string]finding.Status {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var kt struct {
		Results []struct {
			Kind, Result string
			Resources    []string
		}
	}
	if err := yaml.Unmarshal(data, &kt); err != nil {
		t.Fatal(err)
	}
	out := map[string]finding.Status{}
	for _, r := range kt.Results {
		for _, name := range r.Resources {
			if k := r.Kind + "/" + name; out[k] != finding.StatusFail {
				out[k] = finding.Status(r.Result)
			}
		}
	}
	return out
}
