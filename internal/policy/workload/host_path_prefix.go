package workload

import "strings"

// hostPathPrefix is one entry of Azure's allowed host paths.
type hostPathPrefix struct {
	PathPrefix string `json:"pathPrefix"`
	ReadOnly   bool   `json:"readOnly"`
}

// pathElems splits a host path into its elements. Windows paths compare
// without case and with either separator ("C:\data" is "c:/data").
func pathElems(p string, windows bool) []string {
	if windows {
		p = strings.ToLower(strings.ReplaceAll(p, `\`, "/"))
	}
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// under reports whether path is prefix or below it, element by element:
// "/foo" covers "/foo", "/foo/" and "/foo/bar" but not "/fool", as in
// Gatekeeper's k8spsphostfilesystem.
func under(prefix, path string, windows bool) bool {
	a, b := pathElems(prefix, windows), pathElems(path, windows)
	if len(a) > len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
