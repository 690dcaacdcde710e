package sbom

import (
	"bufio"
	"io"
	"strings"
)

// javaParseManifest reads the main section of a MANIFEST.MF, which ends at
// the first blank line: "Name: value" lines, where a line starting with one
// space continues the one before. Keys are lowercased, since the JAR
// specification compares them without case.
func javaParseManifest(r io.Reader) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, javaMaxSmallEntry)
	sc.Split(javaScanManifestLines)
	var key string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			return m
		case line[0] == ' ':
			if key != "" {
				m[key] += line[1:]
			}
		default:
			k, v, _ := strings.Cut(line, ":")
			key = strings.ToLower(strings.TrimSpace(k))
			m[key] = strings.TrimSpace(v)
		}
	}
	return m
}

// javaScanManifestLines splits lines ended by "\r\n", "\n" or "\r", as
// manifests may use any of them.
func javaScanManifestLines(data []byte, atEOF bool) (int, []byte, error) {
	for i, c := range data {
		switch {
		case c == '\n':
			return i + 1, data[:i], nil
		case c != '\r':
		case i+1 < len(data):
			if data[i+1] == '\n' {
				return i + 2, data[:i], nil
			}
			return i + 1, data[:i], nil
		case atEOF:
			return i + 1, data[:i], nil
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// javaLicenses reads the licenses a manifest's Bundle-License lists,
// without their attributes (";link=...").
func javaLicenses(m map[string]string) []string {
	var out []string
	for _, l := range strings.Split(m["bundle-license"], ",") {
		l, _, _ = strings.Cut(l, ";")
		l = strings.Trim(strings.TrimSpace(l), `"`)
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// javaFallbackPackage names an archive without pom.properties from its
// manifest and file name. The artifact is a one-word Implementation-Title,
// else the versioned file name, else the Bundle-SymbolicName; the group is
// the Implementation-Vendor-Id that Maven writes, else what precedes the
// artifact in a Bundle-SymbolicName of the form "group.artifact".
func javaFallbackPackage(m map[string]string, loc string) []Package {
	fileArtifact, fileVersion := javaSplitFileName(loc)
	symbolic, _, _ := strings.Cut(m["bundle-symbolicname"], ";")
	symbolic = strings.TrimSpace(symbolic)
	artifact := javaFirst(javaWord(m["implementation-title"]), javaIf(fileVersion != "", fileArtifact),
		symbolic, javaWord(m["specification-title"]), fileArtifact)
	if artifact == "" {
		return nil
	}
	version := javaFirst(m["implementation-version"], fileVersion, m["bundle-version"], m["specification-version"])
	group := m["implementation-vendor-id"]
	if prefix, ok := strings.CutSuffix(symbolic, "."+artifact); ok && group == "" {
		group = prefix
	}
	p := javaPackage(group, artifact, version, loc)
	p.Licenses = javaLicenses(m)
	return []Package{p}
}

// javaWord returns s if it is one word, fit to be an artifact ID.
func javaWord(s string) string {
	return javaIf(!strings.ContainsAny(s, " \t"), s)
}

// javaIf returns s when cond holds.
func javaIf(cond bool, s string) string {
	if cond {
		return s
	}
	return ""
}
