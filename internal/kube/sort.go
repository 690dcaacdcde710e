package kube

import (
	"cmp"
	"slices"
)

// sortBy sorts s by the key each element gives.
func sortBy[T any](s []T, key func(T) string) {
	slices.SortFunc(s, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
}
