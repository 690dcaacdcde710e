package vulndb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/bulwarksec/bulwark/internal/version"
	"go.yaml.in/yaml/v3"
)

// secdbMaxDepth bounds the nesting of a secdb JSON file: the real ones
// nest four deep.
const secdbMaxDepth = 32

// secdbMaxSize bounds a secdb file: the largest real ones are a few
// hundred KiB.
const secdbMaxSize = 64 << 20

// secdbBuilder gathers the Advisories of one secdb file.
type secdbBuilder struct {
	name   string
	eco    string
	scheme version.Scheme // apk ordering, to keep the lowest fix; may be nil
	advs   []Advisory
	index  map[string]int // advisory ID -> index in advs
	bad    []error
}

// ParseAlpineSecDB reads one Alpine secdb file (main.yaml, community.json,
// ...), YAML or JSON as its content says. It returns one Advisory
// "ALPINE-<ID>" per vulnerability ID, with one Affected per origin package
// fixed for it in the file's release. Entries it cannot read are reported
// in bad, naming name and the line, and skipped; err is set when r fails
// or the file has no readable release.
func ParseAlpineSecDB(r io.Reader, name string) (advs []Advisory, bad []error, err error) {
	data, err := io.ReadAll(io.LimitReader(r, secdbMaxSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read alpine secdb %s: %w", name, err)
	}
	if len(data) > secdbMaxSize {
		return nil, nil, fmt.Errorf("alpine secdb %s: larger than %d MiB", name, secdbMaxSize>>20)
	}
	root, trunc, err := secdbDecode(data)
	if err != nil {
		return nil, nil, fmt.Errorf("alpine secdb %s: %w", name, err)
	}
	b := &secdbBuilder{name: name, index: map[string]int{}}
	if err := b.file(root); err != nil {
		if trunc != nil {
			return nil, nil, fmt.Errorf("alpine secdb %s: %w (%v)", name, err, trunc)
		}
		return nil, nil, fmt.Errorf("alpine secdb %s: %w", name, err)
	}
	if trunc != nil {
		b.fail(0, "", trunc)
	}
	return b.advs, b.bad, nil
}

// secdbDecode parses data as JSON when it starts with '{', else as YAML,
// into a YAML node tree. For JSON that breaks off, it returns the tree read
// so far and the error as trunc.
func secdbDecode(data []byte) (root *yaml.Node, trunc, err error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		root, trunc = secdbJSON(data)
		if root == nil {
			return nil, nil, fmt.Errorf("not JSON: %w", trunc)
		}
		return root, trunc, nil
	}
	root, err = secdbYAML(data)
	return root, nil, err
}

// secdbYAML parses YAML, turning a panic of the parser on hostile input
// into an error.
func secdbYAML(data []byte) (root *yaml.Node, err error) {
	defer func() {
		if p := recover(); p != nil {
			root, err = nil, fmt.Errorf("yaml parser failed: %v", p)
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("not YAML: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, errors.New("empty document")
	}
	return doc.Content[0], nil
}

// file walks the top-level mapping: distroversion and packages.
func (b *secdbBuilder) file(root *yaml.Node) error {
	if root.Kind != yaml.MappingNode {
		return errors.New("top level is not a mapping")
	}
	distro := secdbField(root, "distroversion")
	if distro == nil || distro.Kind != yaml.ScalarNode || !secdbWord(distro.Value) {
		return errors.New("no distroversion")
	}
	b.eco = "Alpine:" + distro.Value
	b.scheme = version.ForEcosystem(b.eco)
	pkgs := secdbField(root, "packages")
	if secdbEmpty(pkgs) {
		return nil
	}
	if pkgs.Kind != yaml.SequenceNode {
		b.fail(pkgs.Line, "packages", errors.New("not a list"))
		return nil
	}
	for i, p := range pkgs.Content {
		b.pkg(i, p)
	}
	return nil
}

// pkg reads one "- pkg: {name, secfixes}" item.
func (b *secdbBuilder) pkg(i int, item *yaml.Node) {
	where := fmt.Sprintf("packages[%d]", i)
	pkg := secdbField(item, "pkg")
	if pkg == nil || pkg.Kind != yaml.MappingNode {
		b.fail(item.Line, where, errors.New("no pkg mapping"))
		return
	}
	name := secdbField(pkg, "name")
	if name == nil || name.Kind != yaml.ScalarNode || !secdbWord(name.Value) {
		b.fail(pkg.Line, where, errors.New("no package name"))
		return
	}
	fixes := secdbField(pkg, "secfixes")
	if secdbEmpty(fixes) {
		return
	}
	if fixes.Kind != yaml.MappingNode {
		b.fail(fixes.Line, name.Value, errors.New("secfixes is not a mapping"))
		return
	}
	for j := 0; j+1 < len(fixes.Content); j += 2 {
		b.fix(name.Value, fixes.Content[j], fixes.Content[j+1])
	}
}

// fix reads one "version: [IDs]" pair of a package's secfixes.
func (b *secdbBuilder) fix(pkg string, key, list *yaml.Node) {
	where := pkg + " " + key.Value
	switch {
	case key.Kind != yaml.ScalarNode || !secdbWord(key.Value):
		b.fail(key.Line, pkg, fmt.Errorf("bad fixed version %.40q", key.Value))
	case secdbEmpty(list):
		// A version with no IDs: nothing to record.
	case list.Kind != yaml.SequenceNode:
		b.fail(list.Line, where, errors.New("not a list of IDs"))
	case key.Value == "0":
		// Never affected in this release: nothing to record.
	default:
		for _, e := range list.Content {
			b.entry(pkg, key.Value, e)
		}
	}
}

// entry reads one string of a secfixes list: one or more IDs, maybe with
// words after them ("CVE-2018-14879 (tcpdump -V)").
func (b *secdbBuilder) entry(pkg, fixed string, e *yaml.Node) {
	where := pkg + " " + fixed
	if e.Kind != yaml.ScalarNode {
		b.fail(e.Line, where, errors.New("list item is not a string"))
		return
	}
	var rest []string
	for _, tok := range strings.Fields(e.Value) {
		if secdbID(tok) {
			b.add(tok, pkg, fixed)
		} else {
			rest = append(rest, tok)
		}
	}
	if len(rest) > 0 || strings.TrimSpace(e.Value) == "" {
		b.fail(e.Line, where, fmt.Errorf("not an ID: %.80q", strings.Join(rest, " ")))
	}
}

// add records that pkg is fixed for id in version fixed, keeping the
// lowest fix when the file names several.
func (b *secdbBuilder) add(id, pkg, fixed string) {
	i, ok := b.index["ALPINE-"+id]
	if !ok {
		i = len(b.advs)
		b.index["ALPINE-"+id] = i
		b.advs = append(b.advs, Advisory{ID: "ALPINE-" + id, Aliases: []string{id}, Source: "alpine-secdb"})
	}
	adv := &b.advs[i]
	for k := range adv.Affected {
		if a := &adv.Affected[k]; a.Name == pkg {
			ev := &a.Ranges[0].Events[1]
			if secdbLower(b.scheme, fixed, ev.Fixed) {
				ev.Fixed = fixed
			}
			return
		}
	}
	adv.Affected = append(adv.Affected, Affected{
		Ecosystem: b.eco,
		Name:      pkg,
		Ranges:    []Range{{Type: "ECOSYSTEM", Events: []Event{{Introduced: "0"}, {Fixed: fixed}}}},
	})
}

// secdbLower reports whether fix a sorts before fix b by scheme. A version
// the scheme cannot read never replaces one it can; without a scheme the
// first fix seen stays.
func secdbLower(scheme version.Scheme, a, b string) bool {
	if scheme == nil {
		return false
	}
	va, err := scheme.Parse(a)
	if err != nil {
		return false
	}
	vb, err := scheme.Parse(b)
	if err != nil {
		return true
	}
	return va.Compare(vb) < 0
}

// secdbEmpty says whether n is missing or an empty value: YAML's null, or
// the "" that converters to JSON write for it.
func secdbEmpty(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || n.Value == "")
}

// secdbField returns the value under key in mapping m, or nil.
func secdbField(m *yaml.Node, key string) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// secdbWord accepts a name or version: non-empty, no spaces or controls.
func secdbWord(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f {
			return false
		}
	}
	return true
}

// secdbID says whether tok looks like a vulnerability ID: a well-formed
// CVE or GHSA ID, or letters-dash-...-digits as XSA-123, ZBX-11023,
// TALOS-2017-0499 and wnpa-sec-2017-21 are.
func secdbID(tok string) bool {
	switch {
	case strings.HasPrefix(tok, "CVE-"):
		year, num, ok := strings.Cut(tok[4:], "-")
		return ok && len(year) == 4 && trackerDigits(year) && len(num) >= 4 && trackerDigits(num)
	case strings.HasPrefix(tok, "GHSA-"):
		parts := strings.Split(tok[5:], "-")
		return len(parts) == 3 && secdbAlnum(parts[0], 4) && secdbAlnum(parts[1], 4) && secdbAlnum(parts[2], 4)
	}
	parts := strings.Split(tok, "-")
	if len(parts) < 2 || !trackerDigits(parts[len(parts)-1]) || !secdbLetters(parts[0]) {
		return false
	}
	for _, p := range parts[1 : len(parts)-1] {
		if !secdbAlnum(p, 0) {
			return false
		}
	}
	return true
}

func secdbLetters(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// secdbAlnum accepts ASCII letters and digits, exactly n of them when
// n > 0.
func secdbAlnum(s string, n int) bool {
	if s == "" || (n > 0 && len(s) != n) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

func (b *secdbBuilder) fail(line int, entry string, err error) {
	b.bad = append(b.bad, &feedEntryError{Name: b.name, Line: line, Entry: entry, Err: err})
}

// secdbJSONReader turns a JSON document into the YAML node tree the walker
// reads, keeping every scalar's text as written and the line of each node.
type secdbJSONReader struct {
	dec     *json.Decoder
	data    []byte
	off, ln int // line ln starts before offset off
}

// secdbJSON decodes data; on a syntax error it returns the tree read so
// far (nil if none) with the error.
func secdbJSON(data []byte) (*yaml.Node, error) {
	j := &secdbJSONReader{dec: json.NewDecoder(bytes.NewReader(data)), data: data, ln: 1}
	j.dec.UseNumber()
	tok, err := j.dec.Token()
	if err != nil {
		return nil, err
	}
	root := &yaml.Node{}
	if err := j.value(root, tok, 0); err != nil {
		return root, fmt.Errorf("JSON breaks off at line %d: %w", j.line(), err)
	}
	if _, err := j.dec.Token(); err != io.EOF {
		return root, fmt.Errorf("JSON has more after the document, at line %d", j.line())
	}
	return root, nil
}

// line is the line of the decoder's position.
func (j *secdbJSONReader) line() int {
	off := int(j.dec.InputOffset())
	if off > len(j.data) {
		off = len(j.data)
	}
	if off > j.off {
		j.ln += bytes.Count(j.data[j.off:off], []byte{'\n'})
		j.off = off
	}
	return j.ln
}

// value fills n from tok and, for an object or array, the tokens after it.
func (j *secdbJSONReader) value(n *yaml.Node, tok json.Token, depth int) error {
	n.Line = j.line()
	switch t := tok.(type) {
	case json.Delim:
		if depth >= secdbMaxDepth {
			return fmt.Errorf("nested deeper than %d", secdbMaxDepth)
		}
		if t == '{' {
			n.Kind, n.Tag = yaml.MappingNode, "!!map"
		} else {
			n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
		}
		return j.children(n, t == '{', depth)
	case string:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!str", t
	case json.Number:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!float", t.String()
	case bool:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!bool", fmt.Sprint(t)
	default:
		n.Kind, n.Tag = yaml.ScalarNode, "!!null"
	}
	return nil
}

// children reads the members of an object (keys and values alternating in
// n.Content, as in a YAML mapping) or the items of an array.
func (j *secdbJSONReader) children(n *yaml.Node, object bool, depth int) error {
	for {
		tok, err := j.dec.Token()
		if err == io.EOF {
			return io.ErrUnexpectedEOF
		}
		if err != nil {
			return err
		}
		if _, end := tok.(json.Delim); end && (tok == json.Delim('}') || tok == json.Delim(']')) {
			return nil
		}
		if object {
			key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: fmt.Sprint(tok), Line: j.line()}
			n.Content = append(n.Content, key)
			if tok, err = j.dec.Token(); err == io.EOF {
				return io.ErrUnexpectedEOF
			} else if err != nil {
				return err
			}
		}
		child := &yaml.Node{}
		n.Content = append(n.Content, child)
		if err := j.value(child, tok, depth+1); err != nil {
			return err
		}
	}
}
