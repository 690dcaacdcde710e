package main

import (
	"encoding/json"
	"fmt"
	"os"

	admissionv1 "k8s.io/api/admission/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// reviews are the AdmissionReviews both sides answer: the Deployment, its
// pod as the ReplicaSet controller creates it, and that pod with its
// second container made privileged (which both must deny).
type reviews struct {
	deployment, pod, privileged []byte
}

func loadReviews(file string) (reviews, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return reviews{}, err
	}
	var d appsv1.Deployment
	if err := yaml.UnmarshalStrict(data, &d); err != nil {
		return reviews{}, fmt.Errorf("%s: %w", file, err)
	}
	pod := corev1.Pod{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}, ObjectMeta: d.Spec.Template.ObjectMeta, Spec: d.Spec.Template.Spec}
	pod.Namespace, pod.GenerateName = d.Namespace, d.Name+"-7d9c5b8f6-"
	bad := pod.DeepCopy()
	yes := true
	bad.Spec.Containers[1].SecurityContext.Privileged = &yes
	var rv reviews
	for _, x := range []struct {
		obj any
		gvk metav1.GroupVersionKind
		out *[]byte
	}{
		{&d, metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, &rv.deployment},
		{&pod, metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}, &rv.pod},
		{bad, metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}, &rv.privileged},
	} {
		if *x.out, err = review(x.obj, x.gvk, d.Namespace); err != nil {
			return reviews{}, err
		}
	}
	return rv, nil
}

func review(obj any, gvk metav1.GroupVersionKind, ns string) ([]byte, error) {
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	return json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{UID: "b6e5c5a4-bench", Kind: gvk, Operation: admissionv1.Create,
			Namespace: ns, UserInfo: benchUser, Object: runtime.RawExtension{Raw: raw}},
	})
}
