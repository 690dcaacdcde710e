package policy

import (
	"errors"
	"fmt"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// ErrNoKind is returned by Decode for a document without kind or apiVersion.
var ErrNoKind = errors.New("object has no apiVersion or kind")

// decoder makes the typed object of one kind and finds its pod.
type decoder struct {
	meta func(any) *metav1.ObjectMeta
	pod  func(any) *Pod
	make func() any
}

// decoders maps "group/Kind" (core group empty) to its decoder. The
// version is not part of the key: every served version of these kinds has
// the same fields rules read, and a deprecated version decodes alike.
var decoders = map[string]decoder{
	"/Pod": {make: func() any { return new(corev1.Pod) },
		meta: func(o any) *metav1.ObjectMeta { return &o.(*corev1.Pod).ObjectMeta },
		pod: func(o any) *Pod {
			p := o.(*corev1.Pod)
			return &Pod{Meta: &p.ObjectMeta, Spec: &p.Spec, MetaPath: "metadata", SpecPath: "spec"}
		}},
	"apps/Deployment": template(func() any { return new(appsv1.Deployment) },
		func(o any) (*metav1.ObjectMeta, *corev1.PodTemplateSpec) {
			d := o.(*appsv1.Deployment)
			return &d.ObjectMeta, &d.Spec.Template
		}),
	"apps/ReplicaSet": template(func() any { return new(appsv1.ReplicaSet) },
		func(o any) (*metav1.ObjectMeta, *corev1.PodTemplateSpec) {
			d := o.(*appsv1.ReplicaSet)
			return &d.ObjectMeta, &d.Spec.Template
		}),
	"apps/StatefulSet": template(func() any { return new(appsv1.StatefulSet) },
		func(o any) (*metav1.ObjectMeta, *corev1.PodTemplateSpec) {
			d := o.(*appsv1.StatefulSet)
			return &d.ObjectMeta, &d.Spec.Template
		}),
	"apps/DaemonSet": template(func() any { return new(appsv1.DaemonSet) },
		func(o any) (*metav1.ObjectMeta, *corev1.PodTemplateSpec) {
			d := o.(*appsv1.DaemonSet)
			return &d.ObjectMeta, &d.Spec.Template
		}),
	"batch/Job": template(func() any { return new(batchv1.Job) },
		func(o any) (*metav1.ObjectMeta, *corev1.PodTemplateSpec) {
			d := o.(*batchv1.Job)
			return &d.ObjectMeta, &d.Spec.Template
		}),
	"batch/CronJob": {make: func() any { return new(batchv1.CronJob) },
		meta: func(o any) *metav1.ObjectMeta { return &o.(*batchv1.CronJob).ObjectMeta },
		pod: func(o any) *Pod {
			t := &o.(*batchv1.CronJob).Spec.JobTemplate.Spec.Template
			return &Pod{Meta: &t.ObjectMeta, Spec: &t.Spec,
				MetaPath: "spec.jobTemplate.spec.template.metadata", SpecPath: "spec.jobTemplate.spec.template.spec"}
		}},
	"/ReplicationController": {make: func() any { return new(corev1.ReplicationController) },
		meta: func(o any) *metav1.ObjectMeta { return &o.(*corev1.ReplicationController).ObjectMeta },
		pod: func(o any) *Pod {
			rc := o.(*corev1.ReplicationController)
			if rc.Spec.Template == nil {
				rc.Spec.Template = &corev1.PodTemplateSpec{}
			}
			t := rc.Spec.Template
			return &Pod{Meta: &t.ObjectMeta, Spec: &t.Spec, MetaPath: "spec.template.metadata", SpecPath: "spec.template.spec"}
		}},
	"/Service":                                     plain(func() any { return new(corev1.Service) }),
	"/Namespace":                                   plain(func() any { return new(corev1.Namespace) }),
	"/Node":                                        plain(func() any { return new(corev1.Node) }),
	"/ServiceAccount":                              plain(func() any { return new(corev1.ServiceAccount) }),
	"/ConfigMap":                                   plain(func() any { return new(corev1.ConfigMap) }),
	"networking.k8s.io/Ingress":                    plain(func() any { return new(networkingv1.Ingress) }),
	"policy/PodDisruptionBudget":                   plain(func() any { return new(policyv1.PodDisruptionBudget) }),
	"rbac.authorization.k8s.io/Role":               plain(func() any { return new(rbacv1.Role) }),
	"rbac.authorization.k8s.io/ClusterRole":        plain(func() any { return new(rbacv1.ClusterRole) }),
	"rbac.authorization.k8s.io/RoleBinding":        plain(func() any { return new(rbacv1.RoleBinding) }),
	"rbac.authorization.k8s.io/ClusterRoleBinding": plain(func() any { return new(rbacv1.ClusterRoleBinding) }),
	"storage.k8s.io/StorageClass":                  plain(func() any { return new(storagev1.StorageClass) }),
}

func template(mk func() any, get func(any) (*metav1.ObjectMeta, *corev1.PodTemplateSpec)) decoder {
	return decoder{make: mk,
		meta: func(o any) *metav1.ObjectMeta { m, _ := get(o); return m },
		pod: func(o any) *Pod {
			_, t := get(o)
			return &Pod{Meta: &t.ObjectMeta, Spec: &t.Spec, MetaPath: "spec.template.metadata", SpecPath: "spec.template.spec"}
		}}
}

// plain decodes a kind without a pod; its metadata is found by the
// metav1.Object interface every typed object implements.
func plain(mk func() any) decoder {
	return decoder{make: mk, meta: func(o any) *metav1.ObjectMeta {
		return o.(interface{ GetObjectMeta() metav1.Object }).GetObjectMeta().(*metav1.ObjectMeta)
	}}
}

// Decode reads one object from its JSON. A kind the engine does not know
// decodes with its metadata only (Typed nil), so that custom rules can
// still read it. The error names the problem, not the input, which the
// caller knows.
//
// Field names match case-sensitively, as the API server reads them:
// encoding/json's case-insensitive match would let
// {"privileged": true, "Privileged": false} look unprivileged here while
// the API server, which drops the unknown "Privileged", runs it privileged.
func Decode(data []byte) (*Object, error) {
	var tm metav1.TypeMeta
	if err := unmarshal(data, &tm); err != nil {
		return nil, fmt.Errorf("decode object: %w", err)
	}
	return DecodeAs(tm.APIVersion, tm.Kind, data)
}

// DecodeAs reads one object whose type the caller already knows (an
// admission request names it), saving Decode's first pass over the
// document. The object's own apiVersion and kind, when it states them,
// must agree.
func DecodeAs(apiVersion, kind string, data []byte) (*Object, error) {
	if kind == "" || apiVersion == "" {
		return nil, ErrNoKind
	}
	gv, err := parseGroupVersion(apiVersion)
	if err != nil {
		return nil, err
	}
	obj := &Object{APIVersion: apiVersion, Kind: kind, Raw: data}
	d, ok := decoders[gv+"/"+kind]
	if !ok {
		d = decoder{make: func() any { return new(metadataOnly) },
			meta: func(o any) *metav1.ObjectMeta { return &o.(*metadataOnly).ObjectMeta }}
	}
	typed := d.make()
	if err := unmarshal(data, typed); err != nil {
		return nil, fmt.Errorf("decode %s: %w", kind, err)
	}
	if err := sameType(typed, apiVersion, kind); err != nil {
		return nil, err
	}
	obj.Meta = d.meta(typed)
	if ok {
		obj.Typed = typed
	}
	if d.pod != nil {
		obj.Pod = d.pod(typed)
	}
	return obj, nil
}

// metadataOnly is what Decode reads of a kind it has no type for.
type metadataOnly struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
}

// sameType refuses an object that states another type than the one it is
// decoded as, so a review cannot have its object judged by the wrong rules.
func sameType(typed any, apiVersion, kind string) error {
	tm, ok := typed.(interface{ GetObjectKind() schema.ObjectKind })
	if !ok {
		return nil
	}
	v, k := tm.GetObjectKind().GroupVersionKind().ToAPIVersionAndKind()
	if (k != "" && k != kind) || (v != "" && v != apiVersion) {
		return fmt.Errorf("object is %s %s, decoded as %s %s", v, k, apiVersion, kind)
	}
	return nil
}

// unmarshal decodes as the API server does where it matters for policy:
// member names match case-sensitively (so {"privileged":false,
// "Privileged":true} cannot hide a privileged container), a repeated
// member takes its last value, and invalid UTF-8 is replaced rather than
// refused. It uses the encoding/json/v2 prototype, which decodes Kubernetes
// objects about three times faster than encoding/json's reflection and
// calls the types' own UnmarshalJSON (quantities, times, int-or-string).
func unmarshal(data []byte, v any) error { return DecodeJSON(data, v) }

// DecodeJSON decodes data into v as Decode reads objects (see unmarshal),
// for callers that read the envelope around an object (an AdmissionReview).
func DecodeJSON(data []byte, v any) error {
	return jsonv2.Unmarshal(data, v, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
}

// parseGroupVersion returns the group of "group/version" ("" for "v1").
func parseGroupVersion(apiVersion string) (string, error) {
	for i := 0; i < len(apiVersion); i++ {
		if apiVersion[i] == '/' {
			if i == 0 || i == len(apiVersion)-1 {
				return "", fmt.Errorf("malformed apiVersion %q", apiVersion)
			}
			return apiVersion[:i], nil
		}
	}
	return "", nil
}
