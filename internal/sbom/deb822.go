package sbom

import (
	"bytes"
	"strings"
)

// deb822Stanzas splits Debian control data (dpkg's status file) into
// stanzas of fields. Continuation lines (leading space or tab) are joined to
// their field with "\n"; field names are kept as written.
func deb822Stanzas(b []byte, each func(fields map[string]string)) {
	fields := map[string]string{}
	last := ""
	flush := func() {
		if len(fields) > 0 {
			each(fields)
			fields = map[string]string{}
		}
		last = ""
	}
	for len(b) > 0 {
		var line []byte
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			line, b = b, nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		switch {
		case len(bytes.TrimSpace(line)) == 0:
			flush()
		case line[0] == ' ' || line[0] == '\t':
			if last != "" {
				fields[last] += "\n" + strings.TrimSpace(string(line))
			}
		default:
			k, v, ok := bytes.Cut(line, []byte(":"))
			if !ok {
				continue
			}
			last = string(k)
			fields[last] = strings.TrimSpace(string(v))
		}
	}
	flush()
}
