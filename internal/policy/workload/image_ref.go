package workload

import "strings"

// imageRef is a container image reference split into the parts rules
// read. It is parsed leniently, as the kubelet does, because rules must
// judge whatever a manifest holds, including references a registry would
// refuse.
type imageRef struct {
	// Name is the repository with its registry ("registry:5000/team/app").
	Name string
	// Tag is "" when the reference has none.
	Tag string
	// Digest is "" when the reference has none ("sha256:...").
	Digest string
}

// parseImage splits "name[:tag][@digest]". A colon before the last slash
// belongs to a registry port ("registry:5000/app" has no tag).
func parseImage(s string) imageRef {
	var r imageRef
	s, r.Digest, _ = strings.Cut(s, "@")
	slash := strings.LastIndexByte(s, '/')
	if colon := strings.LastIndexByte(s, ':'); colon > slash {
		s, r.Tag = s[:colon], s[colon+1:]
	}
	r.Name = s
	return r
}

// effectiveTag is the tag the kubelet pulls: "latest" when the reference
// has neither tag nor digest.
func (r imageRef) effectiveTag() string {
	if r.Tag == "" && r.Digest == "" {
		return "latest"
	}
	return r.Tag
}
