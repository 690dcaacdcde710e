package policytest

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	"sigs.k8s.io/yaml"
)

// LibraryCase maps an example file of another policy library (Gatekeeper's
// library, Kyverno's policies) to the Bulwark rule that implements the
// same policy, with the verdict the library gives every object in the file.
type LibraryCase struct {
	// Rule is the Bulwark rule ID.
	Rule string `json:"rule"`
	// File is the example, relative to the manifest, kept as upstream
	// wrote it; every YAML document in it gets the verdict Want.
	File string `json:"file"`
	// Want is pass (the library allows it) or fail (it denies it).
	Want finding.Status `json:"want"`
	// Params translate the library's constraint parameters.
	Params map[string]any `json:"params,omitempty"`
	// Scope translates the constraint's match and exemptions (Gatekeeper's
	// exemptImages are Bulwark's excludedImages).
	Scope *policy.Scope `json:"scope,omitempty"`
	// Differs explains why Bulwark's verdict is the opposite of Want on
	// purpose; the test then expects the opposite.
	Differs string `json:"differs,omitempty"`
	// Docs, when set, limits the case to these documents of File (from 0),
	// so that a few examples of a file can differ; an entry without Docs
	// covers the documents that no entry for the same rule and file lists.
	Docs []int `json:"docs,omitempty"`
}

// RunLibrary runs every manifest matching glob (a YAML list of
// LibraryCase) against the rules, and fails when a manifest names an
// unknown rule or an object gets a verdict other than the library's.
func RunLibrary(t *testing.T, glob string, rules []*policy.Rule) {
	t.Helper()
	manifests, err := filepath.Glob(glob)
	if err != nil || len(manifests) == 0 {
		t.Fatalf("no library manifests match %s (%v)", glob, err)
	}
	byID := map[string]*policy.Rule{}
	for _, r := range rules {
		byID[r.ID] = r
	}
	for _, m := range manifests {
		t.Run(filepath.Base(filepath.Dir(m)), func(t *testing.T) { runManifest(t, m, byID) })
	}
}

func runManifest(t *testing.T, manifest string, byID map[string]*policy.Rule) {
	data, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	var cs []LibraryCase
	if err := yaml.UnmarshalStrict(data, &cs); err != nil {
		t.Fatalf("%s: %v", manifest, err)
	}
	var n struct{ docs, differ int }
	defer func() {
		t.Logf("%s: %d examples judged, %d with the library's verdict, %d differing on purpose", manifest, n.docs, n.docs-n.differ, n.differ)
	}()
	listed := map[[2]string][]int{}
	for _, lc := range cs {
		k := [2]string{lc.Rule, lc.File}
		listed[k] = append(listed[k], lc.Docs...)
	}
	for _, lc := range cs {
		r := byID[lc.Rule]
		if r == nil {
			t.Errorf("%s: unknown rule %s", manifest, lc.Rule)
			continue
		}
		docs, err := Documents(filepath.Join(filepath.Dir(manifest), lc.File))
		if err != nil {
			t.Fatal(err)
		}
		want := lc.Want
		if lc.Differs != "" {
			want = opposite(want)
		}
		if len(lc.Docs) > 0 && slices.Max(lc.Docs) >= len(docs) {
			t.Errorf("%s lists document %d of %d", lc.File, slices.Max(lc.Docs), len(docs))
		}
		for i, doc := range docs {
			if !lc.covers(i, listed[[2]string{lc.Rule, lc.File}]) {
				continue
			}
			n.docs++
			if lc.Differs != "" {
				n.differ++
			}
			c, err := libraryCase(lc, doc)
			if err != nil {
				t.Errorf("%s document %d: %v", lc.File, i, err)
				continue
			}
			res, err := Evaluate(r, c)
			if err != nil {
				t.Errorf("%s document %d: %v", lc.File, i, err)
				continue
			}
			if res.Status != want {
				t.Errorf("%s document %d, rule %s: %s, library says %s (violations %+v, error %v)",
					lc.File, i, lc.Rule, res.Status, lc.Want, res.Violations, res.Err)
			}
		}
	}
}

// covers reports whether the case judges document i of its file, given
// the documents that entries with Docs list for the same rule and file.
func (lc LibraryCase) covers(i int, listed []int) bool {
	if lc.Docs != nil {
		return slices.Contains(lc.Docs, i)
	}
	return !slices.Contains(listed, i)
}

func opposite(s finding.Status) finding.Status {
	if s == finding.StatusPass {
		return finding.StatusFail
	}
	return finding.StatusPass
}

// Documents reads a multi-document YAML file as one JSON object per
// non-empty document.
func Documents(path string) ([][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	docs, err := policy.ReadDocuments(f, path)
	out := make([][]byte, len(docs))
	for i, d := range docs {
		out[i] = d.JSON
	}
	return out, err
}
