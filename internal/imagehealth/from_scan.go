package imagehealth

import (
	"slices"
	"strings"
	"time"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/scan"
)

// FromScan is the verdict of a scan of target t, with the references a
// pod spec may name the image by: the target itself when it is a
// registry reference, and the names the image carries (a docker-archive's
// RepoTags, the daemon's tag). A target with neither a name nor a digest
// (a directory) gives no references and no digest: nothing to record.
func FromScan(res *scan.Result, t image.Target, at time.Time) (Verdict, []string) {
	src := res.SBOM.Source
	var refs []string
	add := func(r string) {
		if key, _, err := normalize(r); err == nil && !slices.Contains(refs, key) {
			refs = append(refs, key)
		}
	}
	if t.Scheme == image.SchemeRegistry {
		add(t.Ref)
	}
	for _, tag := range src.Tags {
		// An OCI layout's ref.name may be a bare tag ("1.0"), which
		// would parse as an image of that name: only full names count.
		if strings.ContainsAny(tag, ":@") {
			add(tag)
		}
	}
	v := Verdict{Digest: src.Digest, Healthy: res.Verdict.Healthy, Summary: res.Verdict.Reason, ScannedAt: at.UTC()}
	v.Ref = t.String()
	if len(refs) > 0 {
		v.Ref = refs[0]
	}
	return v, refs
}
