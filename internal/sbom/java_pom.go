package sbom

import (
	"bufio"
	"io"
	"strings"
)

// javaPomPath reports whether name is a META-INF/maven/<group>/<artifact>/
// pom.properties, which Maven writes into every archive it builds.
func javaPomPath(name string) bool {
	return strings.HasPrefix(name, "META-INF/maven/") &&
		strings.HasSuffix(name, "/pom.properties") && strings.Count(name, "/") == 4
}

// javaPomPackage makes the package a pom.properties describes, taking group
// and artifact from its path where the file leaves them out.
func javaPomPackage(name string, props map[string]string, loc string) (Package, bool) {
	parts := strings.Split(name, "/")
	group := javaFirst(props["groupId"], parts[2])
	artifact := javaFirst(props["artifactId"], parts[3])
	version := props["version"]
	if artifact == "" || version == "" {
		return Package{}, false
	}
	return javaPackage(group, artifact, version, loc), true
}

// javaFirst returns the first non-empty value.
func javaFirst(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// javaParseProperties reads a Java .properties file: "key=value",
// "key: value" or "key value" lines, "#" and "!" comments, and a trailing
// backslash continuing a line. Escapes other than a continuation are kept
// as written, which is all pom.properties needs.
func javaParseProperties(r io.Reader) map[string]string {
	props := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, javaMaxSmallEntry)
	var logical string
	for sc.Scan() {
		line := strings.TrimLeft(sc.Text(), " \t\f")
		if logical == "" && (line == "" || line[0] == '#' || line[0] == '!') {
			continue
		}
		if body, ok := javaCutContinuation(line); ok {
			logical += body
			continue
		}
		javaSetProperty(props, logical+line)
		logical = ""
	}
	if logical != "" {
		javaSetProperty(props, logical)
	}
	return props
}

// javaCutContinuation reports whether line ends in an odd number of
// backslashes, which continue it on the next line, and drops the last one.
func javaCutContinuation(line string) (string, bool) {
	n := len(line) - len(strings.TrimRight(line, `\`))
	if n%2 == 0 {
		return line, false
	}
	return line[:len(line)-1], true
}

// javaSetProperty splits one logical line at its first separator.
func javaSetProperty(props map[string]string, line string) {
	i := strings.IndexAny(line, "=: \t\f")
	if i < 0 {
		props[line] = ""
		return
	}
	key := line[:i]
	value := strings.TrimLeft(line[i:], " \t\f")
	if value != "" && (value[0] == '=' || value[0] == ':') {
		value = value[1:]
	}
	props[key] = strings.TrimSpace(value)
}
