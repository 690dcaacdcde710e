package policy

import (
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PodKinds are the kinds whose objects carry a pod (template); rules that
// read pods list them and read the pod through Object.Pod.
var podKinds = []string{"Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"}

// PodKinds returns the kinds that carry a pod or a pod template.
func PodKinds() []string { return append([]string(nil), podKinds...) }

// Object is one decoded Kubernetes object.
type Object struct {
	APIVersion string
	Kind       string
	Meta       *metav1.ObjectMeta
	// Typed is the object as its Go type (*corev1.Pod, *appsv1.Deployment,
	// *corev1.Service, *rbacv1.ClusterRole, ...), nil for a kind the
	// engine does not know. The engine runs a rule only on the kinds it
	// lists (matched with their group, see KindKey), so a rule may assert
	// the type of its kind without checking.
	Typed any
	// Pod is the pod or pod template of a pod-bearing kind, else nil.
	Pod *Pod
	// Raw is the object's JSON as submitted, for rules (CEL) that read it
	// as a document.
	Raw []byte
	// cel is the object as custom rules read it, built the first time one
	// runs and shared by all of them (an Object is always handled by
	// pointer: the view holds a sync.Once).
	cel celView
}

// Pod is the pod part of an object with the paths where it sits, so that a
// violation names the field as the user wrote it.
type Pod struct {
	Meta *metav1.ObjectMeta
	Spec *corev1.PodSpec
	// MetaPath and SpecPath are "metadata" and "spec" for a Pod,
	// "spec.template.metadata" and "spec.template.spec" for a Deployment,
	// "spec.jobTemplate.spec.template..." for a CronJob.
	MetaPath string
	SpecPath string

	once       sync.Once
	containers []Container
}

// Group returns the object's API group, "" for the core group ("v1").
func (o *Object) Group() string {
	group, _ := parseGroupVersion(o.APIVersion)
	return group
}

// KindKey is the name rules list the object's kind by: the bare kind for
// the kinds Bulwark decodes (and any core-group kind), "group/Kind" for
// the others, so that a custom resource that reuses a built-in name
// (Knative's serving.knative.dev Service) never reaches the rules written
// for the built-in kind.
func (o *Object) KindKey() string {
	g := o.Group()
	if _, known := decoders[g+"/"+o.Kind]; known || g == "" {
		return o.Kind
	}
	return g + "/" + o.Kind
}

// Namespace returns the object's namespace, "" for cluster-scoped objects.
func (o *Object) Namespace() string { return o.Meta.Namespace }

// Name returns the object's name, or its generateName prefix when the name
// is not set yet (pods of a ReplicaSet at admission).
func (o *Object) Name() string {
	if o.Meta.Name == "" {
		return o.Meta.GenerateName
	}
	return o.Meta.Name
}

// Labels of the pod template when the object has one, else of the object:
// the labels a pod will run with.
func (p *Pod) Labels() map[string]string { return p.Meta.Labels }
