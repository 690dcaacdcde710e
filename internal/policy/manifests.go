package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	yaml "go.yaml.in/yaml/v3"
)

// Document is one object read from a manifest stream, with where it came
// from so that a result or an error can point at it.
type Document struct {
	// Source is the file name, or "-" for standard input.
	Source string
	// Line is the line the object starts on in Source.
	Line int
	// JSON is the object.
	JSON []byte
}

// MaxManifestBytes bounds one manifest stream (Helm output of a large
// chart is a few megabytes).
const MaxManifestBytes = 64 << 20

// ReadDocuments reads multi-document YAML or JSON (Helm or kustomize
// output, kubectl get -o yaml) and returns each object. A List's items are
// returned as objects of their own; empty documents are skipped. The error
// names the source and line.
func ReadDocuments(r io.Reader, source string) ([]Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxManifestBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", source, err)
	}
	if len(data) > MaxManifestBytes {
		return nil, fmt.Errorf("%s: larger than %d MiB", source, MaxManifestBytes>>20)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []Document
	for {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", source, err)
		}
		docs, err := nodeDocuments(&node, source)
		if err != nil {
			return nil, err
		}
		out = append(out, docs...)
	}
}

func nodeDocuments(doc *yaml.Node, source string) ([]Document, error) {
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: a document is not an object", source, root.Line)
	}
	if items := listItems(root); items != nil {
		var out []Document
		for _, it := range items.Content {
			d, err := toDocument(it, source)
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
		return out, nil
	}
	d, err := toDocument(root, source)
	return []Document{d}, err
}

// listItems returns the items of a "kind: List" (or any *List kind, as
// kubectl writes PodList) document, else nil.
func listItems(m *yaml.Node) *yaml.Node {
	var kind string
	var items *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		switch m.Content[i].Value {
		case "kind":
			kind = m.Content[i+1].Value
		case "items":
			items = m.Content[i+1]
		}
	}
	if items == nil || items.Kind != yaml.SequenceNode || len(kind) < 4 || kind[len(kind)-4:] != "List" {
		return nil
	}
	return items
}

func toDocument(n *yaml.Node, source string) (Document, error) {
	var v any
	if err := n.Decode(&v); err != nil {
		return Document{}, fmt.Errorf("%s:%d: %w", source, n.Line, err)
	}
	js, err := json.Marshal(v)
	if err != nil {
		return Document{}, fmt.Errorf("%s:%d: %w", source, n.Line, err)
	}
	return Document{Source: source, Line: n.Line, JSON: js}, nil
}
