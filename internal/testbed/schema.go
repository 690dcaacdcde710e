package testbed

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ModuleFile finds a file inside a module in the module cache (the
// official CycloneDX and SPDX JSON schemas ship inside cyclonedx-go's and
// syft's modules; .ci/run downloads them), or reports the module Unavailable.
func ModuleFile(t testing.TB, modVersion, rel string) string {
	t.Helper()
	cache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		Unavailable(t, "Go module cache", "go env GOMODCACHE: %v", err)
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
		Unavailable(t, modVersion, "%s not in the module cache (go mod download %s)", rel, modVersion)
	}
	return p
}

// CycloneDXSchema and SPDXSchema are the official schemas' paths.
func CycloneDXSchema(t testing.TB) string {
	return ModuleFile(t, "github.com/CycloneDX/cyclonedx-go@v0.10.0", "schema/bom-1.6.schema.json")
}

// SPDXSchema is the official SPDX 2.3 JSON schema's path.
func SPDXSchema(t testing.TB) string {
	return ModuleFile(t, "github.com/anchore/syft@v1.57.1", "schema/spdx-json/spdx-schema-2.3.json")
}

// ValidateJSON checks doc against the JSON schema at schemaPath, resolving
// the schema's references from the files beside it (no network).
func ValidateJSON(t testing.TB, schemaPath string, doc []byte) {
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
// main schema.
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
