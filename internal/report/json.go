package report

import (
	"encoding/json"
	"io"

	"github.com/bulwarksec/bulwark/internal/match"
)

func writeJSON(w io.Writer, r *Image) error {
	out := *r
	if out.Vulnerabilities == nil {
		out.Vulnerabilities = []match.Vulnerability{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(&out)
}
