package admission

import (
	"fmt"
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
)

// resource is the API resource behind a kind the engine reads.
type resource struct {
	group, version, name string
	// sub are subresources whose requests carry the whole object and
	// must be reviewed too.
	sub []string
}

// resources maps each kind policy.Decode knows, and a few more, to its
// resource in the preferred version (rules name these kinds bare); with matchPolicy Equivalent the API server also
// sends requests made through other versions, converted to this one.
var resources = map[string]resource{
	// pods/ephemeralcontainers: `kubectl debug` adds a container to a
	// running pod through it, and Pod Security Admission checks it too.
	"Pod":                   {"", "v1", "pods", []string{"ephemeralcontainers"}},
	"ReplicationController": {"", "v1", "replicationcontrollers", nil},
	"Service":               {"", "v1", "services", nil},
	"Namespace":             {"", "v1", "namespaces", nil},
	"Node":                  {"", "v1", "nodes", nil},
	"ServiceAccount":        {"", "v1", "serviceaccounts", nil},
	"ConfigMap":             {"", "v1", "configmaps", nil},
	"Deployment":            {"apps", "v1", "deployments", nil},
	"ReplicaSet":            {"apps", "v1", "replicasets", nil},
	"StatefulSet":           {"apps", "v1", "statefulsets", nil},
	"DaemonSet":             {"apps", "v1", "daemonsets", nil},
	"Job":                   {"batch", "v1", "jobs", nil},
	"CronJob":               {"batch", "v1", "cronjobs", nil},
	"Ingress":               {"networking.k8s.io", "v1", "ingresses", nil},
	"PodDisruptionBudget":   {"policy", "v1", "poddisruptionbudgets", nil},
	"Role":                  {"rbac.authorization.k8s.io", "v1", "roles", nil},
	"ClusterRole":           {"rbac.authorization.k8s.io", "v1", "clusterroles", nil},
	"RoleBinding":           {"rbac.authorization.k8s.io", "v1", "rolebindings", nil},
	"ClusterRoleBinding":    {"rbac.authorization.k8s.io", "v1", "clusterrolebindings", nil},
	"StorageClass":          {"storage.k8s.io", "v1", "storageclasses", nil},
	// Kinds Bulwark does not decode but a rule whose kind is a parameter
	// (k8s.blockResource) may name.
	"Secret":                {"", "v1", "secrets", nil},
	"PersistentVolume":      {"", "v1", "persistentvolumes", nil},
	"PersistentVolumeClaim": {"", "v1", "persistentvolumeclaims", nil},
	"Endpoints":             {"", "v1", "endpoints", nil},
	"LimitRange":            {"", "v1", "limitranges", nil},
	"ResourceQuota":         {"", "v1", "resourcequotas", nil},
	"NetworkPolicy":         {"networking.k8s.io", "v1", "networkpolicies", nil},
	"IngressClass":          {"networking.k8s.io", "v1", "ingressclasses", nil},
}

// Rules returns the webhook rules for CREATE and UPDATE of exactly the
// kinds given (the engine's Kinds), one rule per API group and version,
// sorted so that the printed configuration is stable. A kind without a
// known resource (a custom resource a custom rule names as "group/Kind")
// is an error: leaving it out would leave its rules silently unenforced.
func Rules(kinds []string) ([]admissionregistrationv1.RuleWithOperations, error) {
	byGV := map[[2]string][]string{}
	var unknown []string
	for _, k := range kinds {
		r, ok := resources[k]
		if !ok {
			unknown = append(unknown, k)
			continue
		}
		gv := [2]string{r.group, r.version}
		byGV[gv] = append(byGV[gv], r.name)
		for _, s := range r.sub {
			byGV[gv] = append(byGV[gv], r.name+"/"+s)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("no API resource known for kind %s", strings.Join(unknown, ", "))
	}
	return rulesOf(byGV), nil
}

func rulesOf(byGV map[[2]string][]string) []admissionregistrationv1.RuleWithOperations {
	gvs := make([][2]string, 0, len(byGV))
	for gv := range byGV {
		gvs = append(gvs, gv)
	}
	slices.SortFunc(gvs, func(a, b [2]string) int { return strings.Compare(a[0]+"/"+a[1], b[0]+"/"+b[1]) })
	out := make([]admissionregistrationv1.RuleWithOperations, 0, len(gvs))
	for _, gv := range gvs {
		names := byGV[gv]
		slices.Sort(names)
		out = append(out, admissionregistrationv1.RuleWithOperations{
			Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
			Rule:       admissionregistrationv1.Rule{APIGroups: []string{gv[0]}, APIVersions: []string{gv[1]}, Resources: names},
		})
	}
	return out
}
