package kube

import "testing"

func TestResourceOfPath(t *testing.T) {
	tests := []struct{ path, want string }{
		{"/api/v1/pods", "pods"},
		{"/api/v1/namespaces/shop/pods", "pods"},
		{"/api/v1/namespaces", "namespaces"},
		{"/apis/apps/v1/deployments", "deployments"},
		{"/apis/rbac.authorization.k8s.io/v1/clusterroles", "clusterroles"},
		{"/api/v1/namespaces/shop", ""},            // one namespace, not the collection
		{"/apis/extensions/v1beta1/ingresses", ""}, // not the group Bulwark watches
		{"/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", ""},
		{"/version", ""},
	}
	for _, tt := range tests {
		got, _ := resourceOfPath(tt.path)
		if got != tt.want {
			t.Errorf("resourceOfPath(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}
