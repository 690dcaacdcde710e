package sbom

import (
	"bufio"
	"bytes"
	"io/fs"
	"strings"
)

// osReleasePaths are where os-release lives, in the order systemd reads them.
var osReleasePaths = []string{"etc/os-release", "usr/lib/os-release"}

// isOSReleaseFile says whether name is read for distro detection.
func isOSReleaseFile(name string) bool {
	return name == "etc/os-release" || name == "usr/lib/os-release" || name == "etc/debian_version" || name == "etc/alpine-release"
}

// DetectDistro reads the operating system release from fsys. It returns the
// zero Distro when the image has none (distroless or scratch images).
func DetectDistro(fsys fs.FS) Distro {
	for _, p := range osReleasePaths {
		b, err := readFile(fsys, p, 1<<20)
		if err != nil {
			continue
		}
		d := parseOSRelease(b)
		if d.ID == "" {
			continue
		}
		if d.ID == "debian" && d.VersionID == "" {
			// testing and sid carry no VERSION_ID; debian_version says "trixie/sid".
			if v, err := readFile(fsys, "etc/debian_version", 1<<10); err == nil {
				d.Codename = firstNonEmpty(d.Codename, strings.TrimSpace(string(v)))
			}
		}
		return d
	}
	return Distro{}
}

// parseOSRelease reads the KEY=value lines of os-release(5).
func parseOSRelease(b []byte) Distro {
	var d Distro
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok || strings.HasPrefix(k, "#") {
			continue
		}
		v = unquoteOSRelease(v)
		switch k {
		case "ID":
			d.ID = strings.ToLower(v)
		case "VERSION_ID":
			d.VersionID = v
		case "VERSION_CODENAME":
			d.Codename = v
		case "PRETTY_NAME":
			d.PrettyName = v
		case "ID_LIKE":
			d.IDLike = strings.Fields(v)
		}
	}
	return d
}

func unquoteOSRelease(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = v[1 : len(v)-1]
	}
	return strings.NewReplacer(`\"`, `"`, `\\`, `\`, `\$`, `$`, "\\`", "`").Replace(v)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
