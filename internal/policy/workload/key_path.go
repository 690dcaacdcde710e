package workload

// keyPath is the path of one key of a map field such as labels
// ("metadata.labels[app]"), the form the Pod Security rules use.
func keyPath(base, field, key string) string {
	return base + "." + field + "[" + key + "]"
}
