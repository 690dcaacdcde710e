package sbom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Format is an SBOM file format.
type Format string

// The formats Bulwark writes and reads.
const (
	FormatJSON      Format = "json"
	FormatCycloneDX Format = "cyclonedx-json"
	FormatSPDX      Format = "spdx-json"
)

// Formats lists the formats in the order help text shows them, in a new
// slice each call, so that no caller can change the list for others.
func Formats() []Format { return []Format{FormatCycloneDX, FormatSPDX, FormatJSON} }

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats() {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown SBOM format %q (want cyclonedx-json, spdx-json or json)", s)
}

// WriteOptions carry what an SBOM document records about its making.
type WriteOptions struct {
	// Tool is the version string of the writer ("bulwark 0.1.0").
	Version string
	// Time stamps the document; zero means now.
	Time time.Time
}

func (o WriteOptions) time() time.Time {
	if o.Time.IsZero() {
		return time.Now().UTC().Truncate(time.Second)
	}
	return o.Time.UTC()
}

// Encode writes s to w in format f.
func Encode(w io.Writer, s *SBOM, f Format, opts WriteOptions) error {
	switch f {
	case FormatCycloneDX:
		return encodeCycloneDX(w, s, opts)
	case FormatSPDX:
		return encodeSPDX(w, s, opts)
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	return fmt.Errorf("unknown SBOM format %q", f)
}

// maxSBOMSize bounds an SBOM read back as a target.
const maxSBOMSize = 512 << 20

// Decode reads an SBOM in any format Bulwark writes, told apart by content.
func Decode(r io.Reader) (*SBOM, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxSBOMSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxSBOMSize {
		return nil, fmt.Errorf("larger than %d bytes", maxSBOMSize)
	}
	var probe struct {
		BOMFormat   string          `json:"bomFormat"`
		SPDXVersion string          `json:"spdxVersion"`
		Packages    json.RawMessage `json:"packages"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("not a JSON SBOM: %w", err)
	}
	switch {
	case probe.BOMFormat == "CycloneDX":
		return decodeCycloneDX(bytes.NewReader(b))
	case probe.SPDXVersion != "":
		return decodeSPDX(bytes.NewReader(b))
	case probe.Packages != nil:
		var s SBOM
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, fmt.Errorf("bulwark JSON SBOM: %w", err)
		}
		return &s, nil
	}
	return nil, fmt.Errorf("not a CycloneDX, SPDX or Bulwark JSON SBOM")
}
