package sbom

import (
	"sort"

	"github.com/package-url/packageurl-go"
)

// purlFor builds a package URL; qualifiers are written in sorted order so
// that the same package always gets the same string.
func purlFor(t Type, namespace, name, version string, qualifiers map[string]string) string {
	keys := make([]string, 0, len(qualifiers))
	for k, v := range qualifiers {
		if v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	q := make(packageurl.Qualifiers, 0, len(keys))
	for _, k := range keys {
		q = append(q, packageurl.Qualifier{Key: k, Value: qualifiers[k]})
	}
	return packageurl.NewPackageURL(string(t), namespace, name, version, q, "").ToString()
}
