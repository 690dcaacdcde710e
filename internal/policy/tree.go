package policy

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// ReadTree reads every .yaml, .yml and .json file under dir in fsys (dir
// "." for the root), in lexical order, as manifests. Sources are named by
// their path in fsys joined to prefix, so that results point at files as
// the user named them.
func ReadTree(fsys fs.FS, dir, prefix string) ([]Document, error) {
	var out []Document
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !isManifest(p) || !d.Type().IsRegular() {
			return nil
		}
		f, err := fsys.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		docs, err := ReadDocuments(f, path.Join(prefix, p))
		out = append(out, docs...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read manifests: %w", err)
	}
	return out, nil
}

func isManifest(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}
