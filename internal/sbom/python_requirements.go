package sbom

import (
	"bufio"
	"errors"
	"io"
	"strings"
)

// pyParseRequirements reads the exact pins ("name==version") of a pip
// requirements file. Extras, environment markers, comments, per-requirement
// options such as --hash and line continuations are understood; ranges, URLs,
// editable installs and option lines are skipped.
func pyParseRequirements(r io.Reader) ([]pyPin, error) {
	br := bufio.NewReader(r)
	var pins []pyPin
	var logical strings.Builder
	for {
		line, err := br.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		line = pyStripComment(strings.TrimRight(line, "\r\n"))
		body, continued := strings.CutSuffix(line, `\`)
		logical.WriteString(body + " ")
		if continued && err == nil {
			continue
		}
		if pin, ok := pyParsePin(logical.String()); ok {
			pins = append(pins, pin)
		}
		logical.Reset()
		if err != nil {
			return pins, nil
		}
	}
}

// pyStripComment drops a "#" comment, which pip recognizes at the start of a
// line or after white space (a URL fragment "#egg=" is no comment).
func pyStripComment(line string) string {
	for i := 0; i < len(line); i++ {
		if line[i] == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			return line[:i]
		}
	}
	return line
}

// pyParsePin reads one logical requirement line if it pins one version.
func pyParsePin(line string) (pyPin, bool) {
	spec, _, _ := strings.Cut(line, ";")
	var kept []string
	for _, f := range strings.Fields(spec) {
		if strings.HasPrefix(f, "-") {
			break
		}
		kept = append(kept, f)
	}
	spec = strings.Join(kept, "")
	name, rest := pyCutName(spec)
	if name == "" {
		return pyPin{}, false
	}
	rest = pySkipExtras(rest)
	version, ok := strings.CutPrefix(rest, "==")
	version = strings.TrimPrefix(version, "=")
	if !ok || !pyPinnedVersion(version) {
		return pyPin{}, false
	}
	return pyPin{Name: name, Version: version}, true
}

// pyCutName splits a PEP 508 project name off the front of spec; the name is
// empty when spec does not start with a valid one.
func pyCutName(spec string) (name, rest string) {
	i := 0
	for i < len(spec) && pyNameChar(spec[i]) {
		i++
	}
	name = spec[:i]
	if name == "" || !pyAlnum(name[0]) || !pyAlnum(name[len(name)-1]) {
		return "", spec
	}
	return name, spec[i:]
}

// pySkipExtras drops a leading "[extra,...]".
func pySkipExtras(s string) string {
	if !strings.HasPrefix(s, "[") {
		return s
	}
	if _, after, ok := strings.Cut(s, "]"); ok {
		return after
	}
	return ""
}

// pyPinnedVersion reports whether v is one exact version, not a wildcard,
// a list of specifiers or something else.
func pyPinnedVersion(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !pyAlnum(c) && !strings.ContainsRune(".+!-_", rune(c)) {
			return false
		}
	}
	return true
}

func pyNameChar(c byte) bool { return pyAlnum(c) || c == '.' || c == '-' || c == '_' }

func pyAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
