package kube

import (
	"bytes"
	"slices"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

// TestClusterRoleMatchesTable: the YAML parses back to exactly one
// list+watch rule per inventoried resource and nothing more, so the role
// and the informers cannot drift.
func TestClusterRoleMatchesTable(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteClusterRoleYAML(&buf); err != nil {
		t.Fatal(err)
	}
	var role rbacv1.ClusterRole
	if err := yaml.UnmarshalStrict(buf.Bytes(), &role); err != nil {
		t.Fatalf("printed role does not parse: %v\n%s", err, buf.String())
	}
	if len(role.Rules) != len(resources) {
		t.Fatalf("%d rules for %d resources", len(role.Rules), len(resources))
	}
	for i, r := range resources {
		rule := role.Rules[i]
		if !slices.Equal(rule.APIGroups, []string{r.Group}) || !slices.Equal(rule.Resources, []string{r.Name}) ||
			!slices.Equal(rule.Verbs, []string{"list", "watch"}) || len(rule.ResourceNames) > 0 {
			t.Errorf("rule %d = %+v, want list+watch on %s", i, rule, r.GVR())
		}
	}
	if c := bytes.Count(buf.Bytes(), []byte("\n# ")); c != len(resources) {
		t.Errorf("%d reason comments for %d rules", c, len(resources))
	}
}
