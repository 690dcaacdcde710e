package sbom

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/bulwarksec/bulwark/internal/image"
)

// moduleFile finds a file inside a module in the module cache (the official
// JSON schemas ship inside cyclonedx-go and syft's modules), or skips.
func moduleFile(t *testing.T, modVersion, rel string) string {
	cache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Skip(err)
	}
	mod, ver, _ := strings.Cut(modVersion, "@")
	var esc strings.Builder
	for _, r := range mod {
		if r >= 'A' && r <= 'Z' {
			esc.WriteString("!" + strings.ToLower(string(r)))
		} else {
			esc.WriteRune(r)
		}
	}
	p := filepath.Join(strings.TrimSpace(string(cache)), esc.String()+"@"+ver, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not in the module cache (go mod download %s)", rel, modVersion)
	}
	return p
}

func alpineSBOM(t *testing.T) *SBOM {
	dir := alpineDir(t)
	s, err := CatalogImage(context.Background(), tarballImage(filepath.Join(dir, "alpine-minirootfs-3.20.3-x86_64.tar.gz")),
		Options{Squash: image.SquashOptions{TempDir: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(t *testing.T, schemaPath string, doc []byte) {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.UseLoader(jsonschema.SchemeURLLoader{"file": jsonschema.FileLoader{}, "http": siblingLoader(filepath.Dir(schemaPath)), "https": siblingLoader(filepath.Dir(schemaPath))})
	sch, err := c.Compile(schemaPath)
	if err != nil {
		t.Fatalf("compile %s: %v", schemaPath, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("document does not validate against %s:\n%v", filepath.Base(schemaPath), err)
	}
}

// siblingLoader serves schema references such as
// http://cyclonedx.org/schema/spdx.schema.json from the files beside the
// main schema, so that validation needs no network.
type siblingLoader string

func (d siblingLoader) Load(url string) (any, error) {
	name := url[strings.LastIndexByte(url, '/')+1:]
	f, err := os.Open(filepath.Join(string(d), name))
	if os.IsNotExist(err) {
		f, err = os.Open(filepath.Join(string(d), strings.Replace(name, ".schema.json", ".schemax.json", 1)))
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return jsonschema.UnmarshalJSON(f)
}

func TestFormatsValidateAndRoundTrip(t *testing.T) {
	s := alpineSBOM(t)
	schemas := map[Format]string{
		FormatCycloneDX: moduleFile(t, "github.com/CycloneDX/cyclonedx-go@v0.10.0", "schema/bom-1.6.schema.json"),
		FormatSPDX:      moduleFile(t, "github.com/anchore/syft@v1.57.1", "schema/spdx-json/spdx-schema-2.3.json"),
	}
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Encode(&buf, s, f, WriteOptions{Version: "test", Time: time.Unix(0, 0)}); err != nil {
				t.Fatal(err)
			}
			if sp, ok := schemas[f]; ok {
				validate(t, sp, buf.Bytes())
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
