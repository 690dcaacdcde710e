package policy

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
)

// containers is the pod spec every pod-bearing case wraps: one container
// in each list.
const containers = `{"initContainers":[{"name":"i","image":"x"}],"containers":[{"name":"c","image":"x"}],"ephemeralContainers":[{"name":"e","image":"x"}]}`

// TestDecodePodKinds checks that every pod-bearing kind finds its pod and
// names the paths where its parts sit.
func TestDecodePodKinds(t *testing.T) {
	tmpl := `{"metadata":{"labels":{"app":"a"}},"spec":` + containers + `}`
	for _, c := range []struct {
		doc, meta, spec string
		typed           any
	}{
		{`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"n","namespace":"s","labels":{"app":"a"}},"spec":` + containers + `}`,
			"metadata", "spec", &corev1.Pod{}},
		{`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"n","namespace":"s"},"spec":{"template":` + tmpl + `}}`,
			"spec.template.metadata", "spec.template.spec", &appsv1.Deployment{}},
		{`{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"n","namespace":"s"},"spec":{"template":` + tmpl + `}}`,
			"spec.template.metadata", "spec.template.spec", &appsv1.ReplicaSet{}},
		{`{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"n","namespace":"s"},"spec":{"template":` + tmpl + `}}`,
			"spec.template.metadata", "spec.template.spec", &appsv1.StatefulSet{}},
		{`{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"n","namespace":"s"},"spec":{"template":` + tmpl + `}}`,
			"spec.template.metadata", "spec.template.spec", &appsv1.DaemonSet{}},
		{`{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"n","namespace":"s"},"spec":{"template":` + tmpl + `}}`,
			"spec.template.metadata", "spec.template.spec", &batchv1.Job{}},
		{`{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"n","namespace":"s"},"spec":{"jobTemplate":{"spec":{"template":` + tmpl + `}}}}`,
			"spec.jobTemplate.spec.template.metadata", "spec.jobTemplate.spec.template.spec", &batchv1.CronJob{}},
		{`{"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"n","namespace":"s"},"spec":{"template":` + tmpl + `}}`,
			"spec.template.metadata", "spec.template.spec", &corev1.ReplicationController{}},
		{`{"apiVersion":"apps/v1beta2","kind":"Deployment","metadata":{"name":"n","namespace":"s"},"spec":{"template":` + tmpl + `}}`,
			"spec.template.metadata", "spec.template.spec", &appsv1.Deployment{}},
	} {
		o, err := Decode([]byte(c.doc))
		if err != nil {
			t.Fatalf("%.60s: %v", c.doc, err)
		}
		if reflect.TypeOf(o.Typed) != reflect.TypeOf(c.typed) || o.Pod == nil || o.Pod.MetaPath != c.meta || o.Pod.SpecPath != c.spec {
			t.Fatalf("%s: typed %T, pod %+v", o.Kind, o.Typed, o.Pod)
		}
		var paths []string
		for _, ct := range o.Pod.AllContainers() {
			paths = append(paths, ct.Name+"="+ct.Path)
		}
		want := "i=" + c.spec + ".initContainers[0] c=" + c.spec + ".containers[0] e=" + c.spec + ".ephemeralContainers[0]"
		if got := strings.Join(paths, " "); got != want || o.Namespace() != "s" || o.Name() != "n" || o.Pod.Labels()["app"] != "a" {
			t.Errorf("%s: containers %s (want %s), %s/%s, labels %v", o.Kind, got, want, o.Namespace(), o.Name(), o.Pod.Labels())
		}
	}
}

// TestDecodeOtherKinds checks kinds without a pod, and that a kind the
// engine does not know decodes its metadata only.
func TestDecodeOtherKinds(t *testing.T) {
	for _, c := range []struct {
		doc   string
		typed any
	}{
		{`{"apiVersion":"v1","kind":"Service","metadata":{"name":"n","namespace":"s"},"spec":{"type":"NodePort"}}`, &corev1.Service{}},
		{`{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"n","namespace":"s"}}`, &networkingv1.Ingress{}},
		{`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"n"}}`, &rbacv1.ClusterRoleBinding{}},
		{`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"n","namespace":"s"}}`, &rbacv1.Role{}},
		{`{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"n","namespace":"s","labels":{"a":"b"}},"spec":{"size":3}}`, nil},
		{`{"apiVersion":"v1","kind":"Widget","metadata":{"name":"n"}}`, nil},
		{`{"apiVersion":"extensions/v1beta1","kind":"Pod","metadata":{"name":"n"}}`, nil},
	} {
		o, err := Decode([]byte(c.doc))
		if err != nil {
			t.Fatalf("%.60s: %v", c.doc, err)
		}
		if reflect.TypeOf(o.Typed) != reflect.TypeOf(c.typed) || o.Pod != nil || o.Name() != "n" || string(o.Raw) != c.doc {
			t.Errorf("%s: typed %T (want %T), pod %v, name %q", o.Kind, o.Typed, c.typed, o.Pod, o.Name())
		}
	}
	o, _ := Decode([]byte(`{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"generateName":"w-","labels":{"a":"b"}}}`))
	if o.Name() != "w-" || o.Meta.Labels["a"] != "b" {
		t.Errorf("unknown kind metadata %+v", o.Meta)
	}
	rc, _ := Decode([]byte(`{"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"n"}}`))
	if rc.Pod == nil || len(rc.Pod.AllContainers()) != 0 {
		t.Errorf("a ReplicationController without template: pod %+v", rc.Pod)
	}
}

// TestDecodeMalformed checks that bad input is an error naming the
// problem. The JSON decoder words its errors "cannot" or "unable to" at
// random per process (on purpose, so nobody depends on the wording), so
// the cases match what follows the verb.
func TestDecodeMalformed(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{`not json`, "decode object: jsontext: invalid character"},
		{`[{"kind":"Pod"}]`, "unmarshal JSON array into Go v1.TypeMeta"},
		{`{"apiVersion":"v1"}`, ErrNoKind.Error()},
		{`{"kind":"Pod"}`, ErrNoKind.Error()},
		{`{"apiVersion":"/v1","kind":"Pod"}`, `malformed apiVersion "/v1"`},
		{`{"apiVersion":"apps/","kind":"Deployment"}`, `malformed apiVersion "apps/"`},
		{`{"apiVersion":"v1","kind":"Pod","spec":"privileged"}`, `unmarshal JSON string into Go v1.PodSpec within "/spec"`},
		{`{"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"a","securityContext":{"privileged":"yes"}}]}}`, `within "/spec/containers/0/securityContext/privileged"`},
		{`{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"labels":["a"]}}`, `unmarshal JSON array into Go map[string]string within "/metadata/labels"`},
		{`{"apiVersion":"v1","kind":"Pod"} trailing`, "invalid character"},
	} {
		_, err := Decode([]byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.doc, err, c.want)
		}
	}
	if _, err := Decode([]byte(`{"apiVersion":"","kind":"Pod"}`)); !errors.Is(err, ErrNoKind) {
		t.Errorf("empty apiVersion: %v, want ErrNoKind", err)
	}
}

// TestDecodeCaseSensitive checks that a field name in another case does
// not hide the real field from the rules, as encoding/json's
// case-insensitive match would: the API server ignores "Privileged" and
// runs this container privileged.
func TestDecodeCaseSensitive(t *testing.T) {
	o, err := Decode([]byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
	 "spec":{"containers":[{"name":"a","image":"x","securityContext":{"privileged":true,"Privileged":false}}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if sc := o.Pod.Spec.Containers[0].SecurityContext; sc.Privileged == nil || !*sc.Privileged {
		t.Fatalf("privileged read as %v", sc.Privileged)
	}
	k, err := Decode([]byte(`{"apiVersion":"v1","Kind":"Pod","kind":"Service","metadata":{"name":"p"}}`))
	if err != nil || k.Kind != "Service" {
		t.Fatalf("kind %v, %v", k, err)
	}
}

// TestDecodeDuplicateMember: a repeated member takes its last value, as
// the API server reads it, so {"privileged":false,"privileged":true} is a
// privileged container to the rules too.
func TestDecodeDuplicateMember(t *testing.T) {
	o, err := Decode([]byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
	 "spec":{"containers":[{"name":"a","image":"x","securityContext":{"privileged":false,"privileged":true}}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if sc := o.Pod.Spec.Containers[0].SecurityContext; sc.Privileged == nil || !*sc.Privileged {
		t.Fatalf("privileged read as %v, want the last value, true", sc.Privileged)
	}
}

func TestKindKey(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"}}`, "Service"},
		{`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a"}}`, "Deployment"},
		{`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"a"}}`, "Secret"},
		{`{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"a"}}`, "serving.knative.dev/Service"},
		{`{"apiVersion":"example.com/v1","kind":"Pod","metadata":{"name":"a"}}`, "example.com/Pod"},
	} {
		o, err := Decode([]byte(tc.doc))
		if err != nil {
			t.Fatal(err)
		}
		if got := o.KindKey(); got != tc.want {
			t.Errorf("%s: KindKey %q, want %q", tc.doc, got, tc.want)
		}
	}
}

// TestCustomKindNotJudgedAsBuiltin: a rule written for Services never
// sees a custom resource named Service (it would find no typed object).
func TestCustomKindNotJudgedAsBuiltin(t *testing.T) {
	r := &Rule{ID: "t.svc", Effect: EffectDeny, Kinds: []string{"Service"},
		Check: func(context.Context, *Input) ([]Violation, error) { return []Violation{{Message: "x"}}, nil }}
	e, err := New([]*Rule{r}, &Config{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	o, _ := Decode([]byte(`{"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"a","namespace":"n"}}`))
	if res := e.Evaluate(context.Background(), o, nil); len(res) != 0 {
		t.Fatalf("rule for core Services ran on a Knative Service: %+v", res)
	}
}

// TestDecodeAs: an admission request names the type; an object stating
// another is refused rather than judged by the wrong rules.
func TestDecodeAs(t *testing.T) {
	pod := []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x"}]}}`)
	o, err := DecodeAs("v1", "Pod", pod)
	if err != nil || o.Pod == nil || o.Pod.SpecPath != "spec" {
		t.Fatalf("DecodeAs pod: %+v, %v", o, err)
	}
	if _, err := DecodeAs("v1", "Service", pod); err == nil || !strings.Contains(err.Error(), "object is v1 Pod, decoded as v1 Service") {
		t.Fatalf("mismatched kind: %v", err)
	}
	if _, err := DecodeAs("example.com/v1", "Widget", pod); err == nil {
		t.Fatal("a Pod decoded as a Widget")
	}
	bare := []byte(`{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x"}]}}`)
	if o, err := DecodeAs("v1", "Pod", bare); err != nil || o.Pod == nil {
		t.Fatalf("object without its own type: %+v, %v", o, err)
	}
}
