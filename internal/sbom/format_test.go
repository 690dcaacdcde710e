package sbom

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/testbed"
)

func alpineSBOM(t *testing.T) *SBOM {
	dir := testbed.AlpineTarballs(t)
	s, err := CatalogImage(context.Background(), tarballImage(filepath.Join(dir, "alpine-minirootfs-3.20.3-x86_64.tar.gz")),
		Options{Squash: image.SquashOptions{TempDir: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFormatsValidateAndRoundTrip(t *testing.T) {
	s := alpineSBOM(t)
	schemas := map[Format]string{
		FormatCycloneDX: testbed.CycloneDXSchema(t),
		FormatSPDX:      testbed.SPDXSchema(t),
	}
	for _, f := range Formats() {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Encode(&buf, s, f, WriteOptions{Version: "test", Time: time.Unix(0, 0)}); err != nil {
				t.Fatal(err)
			}
			if sp, ok := schemas[f]; ok {
				testbed.ValidateJSON(t, sp, buf.Bytes())
			} else if !json.Valid(buf.Bytes()) {
				t.Fatal("invalid JSON")
			}
			back, err := Decode(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := summary(back), summary(s); !slices.Equal(got, want) {
				t.Errorf("read back %d packages, wrote %d\nmissing: %v", len(got), len(want), sliceMinus(want, got))
			}
		})
	}
}

// summary is what the vulnerability step needs of each package.
func summary(s *SBOM) []string {
	var out []string
	for _, p := range s.Packages {
		src := ""
		if p.Source != nil {
			src = p.Source.Name
		}
		out = append(out, strings.Join([]string{string(p.Type), p.Name, p.Version, p.PURL, p.Ecosystem, src}, " "))
	}
	slices.Sort(out)
	return out
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a","purl":"pkg:npm/a@1"}]}`))
	f.Add([]byte(`{"spdxVersion":"SPDX-2.3","packages":[{"name":"a","externalRefs":[{"referenceType":"purl","referenceLocator":"pkg:deb/debian/a@1?distro=debian-12"}]}]}`))
	f.Add([]byte(`{"packages":[{"name":"x"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		Decode(bytes.NewReader(b))
	})
}
