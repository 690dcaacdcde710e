package sbom

import (
	"context"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// The files under testdata/dotnet are hand-written in the formats the .NET
// SDK writes (no SDK or nuget.org here): a self-contained ASP.NET Core
// app's deps.json with runtimeTarget, targets and libraries of each type,
// and a packages.lock.json with Direct, Transitive, CentralTransitive and
// Project entries over a framework and a framework/runtime section.

// dotnetSummary lists packages as sorted "name@version", checking the fields
// every package shares on the way.
func dotnetSummary(t *testing.T, pkgs []Package, path string) []string {
	t.Helper()
	var out []string
	for _, p := range pkgs {
		if p.Type != TypeNuGet || p.Ecosystem != "NuGet" || p.PURL != "pkg:nuget/"+p.Name+"@"+p.Version ||
			len(p.Locations) != 1 || p.Locations[0].Path != path {
			t.Errorf("%s: %+v", p.Name, p)
		}
		out = append(out, p.Name+"@"+p.Version)
	}
	slices.Sort(out)
	return out
}

func TestDotnetDeps(t *testing.T) {
	fsys := os.DirFS("testdata/dotnet")
	for _, tc := range []struct {
		path string
		want []string
		meta map[string]string
	}{
		{"app/MyWebApp.deps.json", []string{
			"Microsoft.Extensions.DependencyModel@8.0.0",
			"Microsoft.NET.ILLink.Tasks@8.0.4",
			"Newtonsoft.Json@13.0.1",
			"Serilog.AspNetCore@8.0.1",
			"Serilog@3.1.1",
		}, map[string]string{
			"Newtonsoft.Json": "sha512=sha512-ppPFpBcvxdsfUonNcvITKqLl3bqxWbDCZIzDWHzjpdAHRFfZe0Dw9HmA0+za13IdyrgJwpkDTDA9fHaxOrt20A==",
		}},
		{"src/MyWebApp/packages.lock.json", []string{
			"Microsoft.Extensions.DependencyModel@8.0.0",
			"Microsoft.NET.ILLink.Tasks@8.0.4",
			"Newtonsoft.Json@13.0.1",
			"Serilog.AspNetCore@8.0.1",
			"Serilog@3.1.1",
			"System.Text.Json@8.0.4",
		}, map[string]string{
			"Microsoft.NET.ILLink.Tasks": "dependencyType=Direct",
			"Serilog":                    "dependencyType=Transitive",
			"System.Text.Json":           "dependencyType=CentralTransitive",
		}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			pkgs, err := newDotnetDepsCataloger().Catalog(context.Background(), Input{FS: fsys, Paths: []string{tc.path}})
			if err != nil {
				t.Fatal(err)
			}
			if got := dotnetSummary(t, pkgs, tc.path); !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
			for _, p := range pkgs {
				if kv, ok := tc.meta[p.Name]; ok {
					k, v, _ := strings.Cut(kv, "=")
					if p.Metadata[k] != v {
						t.Errorf("%s: metadata[%s] = %q, want %q", p.Name, k, p.Metadata[k], v)
					}
				}
			}
		})
	}
}

func TestDotnetDepsBadInput(t *testing.T) {
	fsys := fstest.MapFS{
		"a/x.deps.json":         {Data: []byte(`{"libraries": {"Odd": {"type": "package"}, "/1.0": {"type": "package"}, "A/1.0.0": {"type": "package"}}}`)},
		"b/packages.lock.json":  {Data: []byte(`{"version": 1, "dependencies": {"net8.0": {"A": {"type": "Direct"}}}}`)},
		"c/y.deps.json":         {Data: []byte(`{"libraries": [1, 2]}`)},
		"d/packages.lock.json":  {Data: []byte(`{"dependencies": `)},
		"e/empty.deps.json":     {Data: []byte(`{}`)},
		"f/runtimeconfig.json":  {Data: []byte(`{}`)},
		"g/packages.lock.json":  {Data: []byte(`{"version": 2, "dependencies": {"net8.0": {"B": {"type": "Direct", "resolved": "2.0.0"}}, "net6.0": {"b": {"type": "Transitive", "resolved": "2.0.0"}}}}`)},
		"h/x.deps.json/ignored": {Data: []byte(`{}`)},
	}
	in := Input{FS: fsys, Paths: []string{"a/x.deps.json", "b/packages.lock.json", "c/y.deps.json", "d/packages.lock.json", "e/empty.deps.json", "g/packages.lock.json"}}
	pkgs, err := newDotnetDepsCataloger().Catalog(context.Background(), in)
	var got []string
	for _, p := range pkgs {
		got = append(got, p.Locations[0].Path+" "+p.Name+"@"+p.Version)
	}
	// NuGet names are case-insensitive: "b" and "B" are one package.
	want := []string{"a/x.deps.json A@1.0.0", "g/packages.lock.json b@2.0.0"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for _, p := range []string{"c/y.deps.json", "d/packages.lock.json"} {
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("err = %v, want one naming %s", err, p)
		}
	}
	if m := pkgs[len(pkgs)-1].Metadata["dependencyType"]; m != "Direct" {
		t.Errorf("a package Direct for one framework: dependencyType %q", m)
	}
}

func TestDotnetDepsMatch(t *testing.T) {
	c := newDotnetDepsCataloger()
	for _, tc := range []struct {
		name string
		mode fs.FileMode
		want bool
	}{
		{"app/MyWebApp.deps.json", 0o644, true},
		{"usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.4/Microsoft.NETCore.App.deps.json", 0o644, true},
		{"src/packages.lock.json", 0o644, true},
		{"app/MyWebApp.runtimeconfig.json", 0o644, false},
		{"app/package-lock.json", 0o644, false},
		{"app/x.deps.json", fs.ModeDir | 0o755, false},
	} {
		if got := c.Match(tc.name, tc.mode); got != tc.want {
			t.Errorf("Match(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func FuzzDotnetDeps(f *testing.F) {
	for _, p := range []string{"testdata/dotnet/app/MyWebApp.deps.json", "testdata/dotnet/src/MyWebApp/packages.lock.json"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"libraries": {"A/1": {"type": "package"}}, "dependencies": {"x": {"A": {"resolved": "1"}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dotnetParseDeps(data, "x.deps.json")
		dotnetParseLock(data, "packages.lock.json")
	})
}
