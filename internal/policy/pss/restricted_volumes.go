package pss

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
)

// restrictedVolumes is the restricted control "Volume Types": every volume
// must use one of the core, ephemeral or secret-like sources (all
// versions). It replaces hostPathVolumes at the restricted level. A volume
// with no source this build knows fails too, as upstream's evaluator fails
// it: it may be a newer inline source, not trusted until the standard
// names it. (The API server defaults a volume with no source at all to
// emptyDir, so at admission such a volume does not arrive; in a manifest
// checked in CI it is better written emptyDir: {}.)
var restrictedVolumes = &policy.Rule{
	ID:       "pss.restrictedVolumes",
	Title:    "Only core volume types are allowed",
	Severity: finding.SeverityMedium,
	Rationale: "Inline network and host volume sources (nfs, iscsi, hostPath, flexVolume, ...) reach storage " +
		"and drivers on the node outside the control of persistent volumes.",
	Remediation: "Use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected " +
		"or secret volumes; reach other storage through a PersistentVolumeClaim.",
	References: policy.References{PSS: "Volume Types (restricted)", URLs: []string{docURL + "#restricted"}},
	Level:      restricted,
	Overrides:  []policy.Override{{Rule: hostPathVolumes.ID, Since: 0}},
	Kinds:      policy.PodKinds(),
	Check:      checkRestrictedVolumes,
}

func checkRestrictedVolumes(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
	var vs []policy.Violation
	for i := range in.Object.Pod.Spec.Volumes {
		v := &in.Object.Pod.Spec.Volumes[i]
		srcs := volumeSources(&v.VolumeSource)
		if allowedVolumeSources.HasAny(srcs...) {
			continue
		}
		path := specField(in, index("volumes", i))
		if len(srcs) == 0 {
			vs = append(vs, policy.Violation{Path: path, Message: fmt.Sprintf(`volume %q uses restricted volume type "unknown": `+
				"it sets no volume source this version knows (write emptyDir: {} for a scratch volume)", v.Name)})
			continue
		}
		vs = append(vs, policy.Violation{Path: path + "." + srcs[0], Message: fmt.Sprintf("volume %q uses restricted volume type %q", v.Name, srcs[0])})
	}
	return vs, nil
}

var allowedVolumeSources = sets.New("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
	"persistentVolumeClaim", "projected", "secret")

// volumeSourceNames are the JSON names of VolumeSource's fields, by field
// index: every field is one optional source, a pointer.
var volumeSourceNames = func() []string {
	t := reflect.TypeFor[corev1.VolumeSource]()
	names := make([]string, t.NumField())
	for i := range names {
		names[i], _, _ = strings.Cut(t.Field(i).Tag.Get("json"), ",")
	}
	return names
}()

// volumeSources returns the JSON names of the sources a volume sets.
func volumeSources(s *corev1.VolumeSource) []string {
	v := reflect.ValueOf(s).Elem()
	var out []string
	for i, name := range volumeSourceNames {
		if f := v.Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
			out = append(out, name)
		}
	}
	return out
}
