package sbom

import (
	"bytes"
	"compress/zlib"
	"context"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
)

// cargoAuditableCataloger lists the crates compiled into Rust executables
// built with cargo-auditable, which embeds them as zlib-compressed JSON in
// a section named ".dep-v0".
type cargoAuditableCataloger struct{}

var (
	_ Cataloger = (*cargoAuditableCataloger)(nil)
	_ Sniffer   = (*cargoAuditableCataloger)(nil)
)

const (
	// cargoAuditSection names the section in ELF and PE files, and in the
	// __DATA segment of Mach-O files.
	cargoAuditSection = ".dep-v0"
	// cargoAuditMaxJSON bounds the decompressed audit data, as
	// cargo-auditable's own reader does: real data is far smaller.
	cargoAuditMaxJSON = 8 << 20
)

func newCargoAuditableCataloger() *cargoAuditableCataloger { return &cargoAuditableCataloger{} }

// Name implements Cataloger.
func (c *cargoAuditableCataloger) Name() string { return "cargo-auditable" }

// Match implements Cataloger.
func (c *cargoAuditableCataloger) Match(_ string, mode fs.FileMode) bool {
	return mode.IsRegular() && mode&0o111 != 0
}

// Markers implements Sniffer.
func (c *cargoAuditableCataloger) Markers() [][]byte { return [][]byte{[]byte(cargoAuditSection)} }

// Catalog implements Cataloger.
func (c *cargoAuditableCataloger) Catalog(ctx context.Context, in Input) ([]Package, error) {
	return eachBinary(ctx, in, cargoReadAuditable)
}

// cargoReadAuditable returns the crates in an executable's audit data,
// and nothing when r is no executable or has no audit data.
func cargoReadAuditable(r io.ReaderAt, path string) ([]Package, error) {
	sec := cargoAuditData(r)
	if sec == nil {
		return nil, nil
	}
	zr, err := zlib.NewReader(sec)
	if err != nil {
		return nil, fmt.Errorf("decompress %s: %w", cargoAuditSection, err)
	}
	defer zr.Close()
	b, err := io.ReadAll(io.LimitReader(zr, cargoAuditMaxJSON+1))
	if err != nil {
		return nil, fmt.Errorf("decompress %s: %w", cargoAuditSection, err)
	}
	if len(b) > cargoAuditMaxJSON {
		return nil, fmt.Errorf("%s: more than %d bytes of audit data", cargoAuditSection, cargoAuditMaxJSON)
	}
	return cargoParseAuditJSON(b, path)
}

// cargoAuditData opens the audit data section of an ELF, PE or Mach-O
// file, or returns nil when there is none.
func cargoAuditData(r io.ReaderAt) io.Reader {
	magic := make([]byte, 4)
	if _, err := r.ReadAt(magic, 0); err != nil {
		return nil
	}
	switch {
	case bytes.Equal(magic, []byte("\x7fELF")):
		if f, err := elf.NewFile(r); err == nil {
			if s := f.Section(cargoAuditSection); s != nil && s.Type != elf.SHT_NOBITS {
				return s.Open()
			}
		}
	case bytes.HasPrefix(magic, []byte("MZ")):
		if f, err := pe.NewFile(r); err == nil {
			if s := f.Section(cargoAuditSection); s != nil {
				return s.Open()
			}
		}
	default:
		if f, err := macho.NewFile(r); err == nil {
			return cargoMachOSection(f)
		}
	}
	return nil
}

// cargoMachOSection finds the audit data in a Mach-O file's __DATA
// segment.
func cargoMachOSection(f *macho.File) io.Reader {
	for _, s := range f.Sections {
		if s.Seg == "__DATA" && s.Name == cargoAuditSection {
			return s.Open()
		}
	}
	return nil
}

// cargoAuditInfo is cargo-auditable's audit data (format version 0).
type cargoAuditInfo struct {
	Packages []cargoAuditPackage `json:"packages"`
}

type cargoAuditPackage struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Source is "crates.io", "git", "local", "registry" or another string.
	Source string `json:"source"`
	// Kind is "build" for crates only build scripts and procedural macros
	// use; it is left out for crates linked into the executable.
	Kind string `json:"kind"`
	Root bool   `json:"root"`
}

// cargoParseAuditJSON reads decompressed audit data found at path.
func cargoParseAuditJSON(b []byte, path string) ([]Package, error) {
	var info cargoAuditInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, fmt.Errorf("parse %s: %w", cargoAuditSection, err)
	}
	pkgs := make([]Package, 0, len(info.Packages))
	for _, p := range info.Packages {
		if p.Name == "" {
			continue
		}
		pkg := cargoPackage(p.Name, p.Version, p.Source, path)
		pkg.Metadata["kind"] = "runtime"
		if p.Kind != "" {
			pkg.Metadata["kind"] = p.Kind
		}
		if p.Root {
			pkg.Metadata["root"] = "true"
		}
		pkgs = append(pkgs, pkg)
	}
	return pkgs, nil
}
