package kube

import (
	"fmt"
	"io"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// RoleName is the name of the ClusterRole Bulwark reads clusters with.
const RoleName = "bulwark-reader"

// ClusterRole is the least privilege Bulwark needs: list and watch on each
// inventoried resource, one rule per resource so that each can say why.
// Secrets and get are absent on purpose: informers need no get, and
// nothing Bulwark inventories is secret.
func ClusterRole() *rbacv1.ClusterRole {
	role := &rbacv1.ClusterRole{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"},
		ObjectMeta: metav1.ObjectMeta{Name: RoleName, Labels: map[string]string{"app.kubernetes.io/name": "bulwark"}},
	}
	for _, r := range resources {
		role.Rules = append(role.Rules, rbacv1.PolicyRule{
			APIGroups: []string{r.Group}, Resources: []string{r.Name}, Verbs: append([]string(nil), verbs...),
		})
	}
	return role
}

// WriteClusterRoleYAML writes ClusterRole as YAML with, above each rule,
// a comment saying why Bulwark needs it.
func WriteClusterRoleYAML(w io.Writer) error {
	role := ClusterRole()
	rules := role.Rules
	role.Rules = nil
	head, err := yaml.Marshal(role)
	if err != nil {
		return fmt.Errorf("marshal ClusterRole: %w", err)
	}
	var b strings.Builder
	b.WriteString("# Bulwark reads the cluster: list and watch, nothing else, on what it inventories.\n")
	// Rules is nil here, which marshals as "rules: null": the list follows.
	b.WriteString(strings.TrimSuffix(string(head), "rules: null\n"))
	b.WriteString("rules:\n")
	for i, rule := range rules {
		if err := writeRule(&b, rule, resources[i].Why); err != nil {
			return err
		}
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// writeRule writes one rule as a list item, its reason as a comment.
func writeRule(b *strings.Builder, rule rbacv1.PolicyRule, why string) error {
	out, err := yaml.Marshal(rule)
	if err != nil {
		return fmt.Errorf("marshal rule: %w", err)
	}
	fmt.Fprintf(b, "# %s\n", why)
	for i, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		prefix := "  "
		if i == 0 {
			prefix = "- "
		}
		b.WriteString(prefix + line + "\n")
	}
	return nil
}
