package sbom

import (
	"context"
	"debug/buildinfo"
	"fmt"
	"io"
	"io/fs"
	"runtime/debug"
	"strings"
)

// goBinaryCataloger lists the modules compiled into Go executables, read
// from the build information the Go linker embeds since Go 1.13.
type goBinaryCataloger struct{}

var (
	_ Cataloger = (*goBinaryCataloger)(nil)
	_ Sniffer   = (*goBinaryCataloger)(nil)
)

// goBuildInfoMagic starts the build information blob of every Go
// executable.
const goBuildInfoMagic = "\xff Go buildinf:"

// goBuildSettings are the build settings copied into each package's
// metadata: enough to tell the platform and how the binary was built.
var goBuildSettings = []string{"GOOS", "GOARCH", "GOAMD64", "GOARM", "GOARM64", "CGO_ENABLED", "-buildmode", "-tags", "vcs.revision"}

func newGoBinaryCataloger() *goBinaryCataloger { return &goBinaryCataloger{} }

// Name implements Cataloger.
func (c *goBinaryCataloger) Name() string { return "go-binary" }

// Match implements Cataloger: any executable regular file may be a Go
// binary; Markers lets the squash keep only those that are.
func (c *goBinaryCataloger) Match(_ string, mode fs.FileMode) bool {
	return mode.IsRegular() && mode&0o111 != 0
}

// Markers implements Sniffer.
func (c *goBinaryCataloger) Markers() [][]byte { return [][]byte{[]byte(goBuildInfoMagic)} }

// Catalog implements Cataloger.
func (c *goBinaryCataloger) Catalog(ctx context.Context, in Input) ([]Package, error) {
	return eachBinary(ctx, in, goReadPackages)
}

// goReadPackages reads the build information of one file. Files that are
// not Go executables yield nothing and no error.
func goReadPackages(r io.ReaderAt, name string) ([]Package, error) {
	bi, err := goReadBuildInfo(r)
	if err != nil || bi == nil {
		return nil, err
	}
	return goPackages(bi, name), nil
}

// goReadBuildInfo returns the build information of a Go executable, nil
// and no error when r is no Go executable, and an error when it is one
// whose build information cannot be read or parsed.
func goReadBuildInfo(r io.ReaderAt) (*buildinfo.BuildInfo, error) {
	bi, err := buildinfo.Read(r)
	switch {
	case err == nil:
		return bi, nil
	case goNotGo(err):
		return nil, nil
	default:
		return nil, fmt.Errorf("read go build info: %w", err)
	}
}

// goNotGo reports whether err is how debug/buildinfo says a file is no
// executable or no Go one. The package exports no sentinel for either, so
// its two messages are compared. It also answers so for executables too
// damaged to parse, which cannot be told apart from non-Go ones.
func goNotGo(err error) bool {
	msg := err.Error()
	return msg == "unrecognized file format" || msg == "not a Go executable"
}

// goPackages turns build information into the main module, its
// dependencies and the standard library.
func goPackages(bi *buildinfo.BuildInfo, path string) []Package {
	meta := goMetadata(bi)
	var pkgs []Package
	if bi.Main.Path != "" {
		main := goModulePackage(bi.Main.Path, bi.Main.Version, path, meta)
		main.Metadata["main"] = "true"
		pkgs = append(pkgs, main)
	}
	for _, dep := range bi.Deps {
		pkgs = append(pkgs, goDepPackage(dep, path, meta))
	}
	std := goModulePackage("stdlib", goStdlibVersion(bi.GoVersion), path, meta)
	return append(pkgs, std)
}

// goDepPackage names a dependency by what was compiled in: the
// replacement when there is one. A replacement by a local directory has
// no version ("" or "(devel)" depending on the toolchain), so the module
// keeps its own path, no version, and the directory is noted.
func goDepPackage(dep *debug.Module, path string, meta map[string]string) Package {
	r := dep.Replace
	switch {
	case r == nil:
		return goModulePackage(dep.Path, dep.Version, path, meta)
	case r.Version == "" || goIsDir(r.Path):
		p := goModulePackage(dep.Path, "", path, meta)
		p.Metadata["replacedBy"] = r.Path
		return p
	default:
		p := goModulePackage(r.Path, r.Version, path, meta)
		if r.Path != dep.Path {
			p.Metadata["replaces"] = dep.Path
		}
		return p
	}
}

// goIsDir reports whether a replacement path is a directory rather than
// a module path, as go.mod tells them apart.
func goIsDir(path string) bool {
	return strings.HasPrefix(path, "./") || strings.HasPrefix(path, "../") ||
		strings.HasPrefix(path, "/") || path == "." || path == ".." ||
		strings.HasPrefix(path, ".\\") || strings.HasPrefix(path, "..\\") ||
		len(path) > 2 && path[1] == ':' && (path[2] == '\\' || path[2] == '/')
}

// goModulePackage builds one package with its own copy of meta.
func goModulePackage(module, version, path string, meta map[string]string) Package {
	md := make(map[string]string, len(meta)+1)
	for k, v := range meta {
		md[k] = v
	}
	ns, name := "", module
	if i := strings.LastIndex(module, "/"); i >= 0 {
		ns, name = module[:i], module[i+1:]
	}
	return Package{
		Name:      module,
		Version:   version,
		Type:      TypeGo,
		Ecosystem: "Go",
		PURL:      purlFor(TypeGo, ns, name, version, nil),
		Locations: []Location{{Path: path}},
		Metadata:  md,
	}
}

// goMetadata is what every package of one binary records about it.
func goMetadata(bi *buildinfo.BuildInfo) map[string]string {
	md := map[string]string{"goVersion": bi.GoVersion}
	if bi.Main.Path != "" {
		md["mainModule"] = bi.Main.Path
	}
	for _, s := range bi.Settings {
		for _, k := range goBuildSettings {
			if s.Key == k && s.Value != "" {
				md[k] = s.Value
			}
		}
	}
	return md
}

// goStdlibVersion turns a Go toolchain version ("go1.22.3", "go1.21rc2",
// "go1.20", "go1.23.1 X:boringcrypto") into the semantic version the Go
// vulnerability database files the standard library under ("1.22.3",
// "1.21.0-rc.2", "1.20.0"). Development toolchains have none: "".
func goStdlibVersion(v string) string {
	v, _, _ = strings.Cut(v, " ")
	v, ok := strings.CutPrefix(v, "go")
	if !ok {
		return ""
	}
	num, pre := v, ""
	if i := strings.IndexFunc(v, func(r rune) bool { return r != '.' && (r < '0' || r > '9') }); i >= 0 {
		num, pre = v[:i], v[i:]
	}
	parts := strings.Split(num, ".")
	if len(parts) > 3 || !goAllNumeric(parts) {
		return ""
	}
	for len(parts) < 3 {
		parts = append(parts, "0")
	}
	num = strings.Join(parts, ".")
	if pre == "" {
		return num
	}
	for _, kind := range []string{"rc", "beta"} {
		if n, ok := strings.CutPrefix(pre, kind); ok && goAllNumeric([]string{n}) {
			return num + "-" + kind + "." + n
		}
	}
	return ""
}

// goAllNumeric reports whether every part is a non-empty run of digits.
func goAllNumeric(parts []string) bool {
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}
