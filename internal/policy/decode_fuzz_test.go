package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// FuzzDecode feeds hostile JSON to Decode, then to the CEL view custom
// rules read: neither may panic, and a decoded object must be coherent
// (metadata present, containers under the pod's spec path).
func FuzzDecode(f *testing.F) {
	for _, s := range []string{twoContainerPod, containers,
		`{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"n"},"spec":{"jobTemplate":{"spec":{"template":{"spec":` + containers + `}}}}}`,
		`{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"n"},"spec":{"size":3}}`,
		`{"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"n"}}`} {
		f.Add([]byte(s))
	}
	seeds, _ := filepath.Glob("testdata/custom/*.yaml")
	for _, s := range seeds {
		if y, err := os.ReadFile(s); err == nil {
			if j, err := yaml.YAMLToJSON(y); err == nil {
				f.Add(j)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := Decode(data)
		if err != nil {
			return
		}
		if o.Meta == nil || o.Kind == "" || o.APIVersion == "" {
			t.Fatalf("decoded without metadata or type: %+v", o)
		}
		v, err := o.view()
		if err != nil {
			return
		}
		if o.Pod == nil {
			return
		}
		for _, c := range o.Pod.AllContainers() {
			if !strings.HasPrefix(c.Path, o.Pod.SpecPath+".") || v.containers[c.Path] == nil {
				t.Fatalf("container %s at %s, view %v", c.Name, c.Path, v.containers[c.Path])
			}
			if img := v.image(c.Image); img["reference"] != c.Image {
				t.Fatalf("image %q parsed as %v", c.Image, img)
			}
		}
	})
}
