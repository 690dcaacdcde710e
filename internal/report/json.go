package report

import (
	"encoding/json"
	"io"

	"github.com/bulwarksec/bulwark/internal/finding"
)

func writeImageJSON(w io.Writer, r *Image) error {
	out := *r
	out.Findings = nonNil(out.Findings)
	return encodeJSON(w, &out)
}

func writeRunJSON(w io.Writer, r *Run) error {
	out := *r
	out.Findings = nonNil(out.Findings)
	return encodeJSON(w, &out)
}

// nonNil makes an empty list [] rather than null in JSON.
func nonNil(fs []finding.Finding) []finding.Finding {
	if fs == nil {
		return []finding.Finding{}
	}
	return fs
}

func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
