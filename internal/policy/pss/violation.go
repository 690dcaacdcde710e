package pss

import (
	"fmt"
	"strconv"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// Violation paths name the field as the user wrote it: JSON field names
// joined by dots, list items by their index in brackets
// ("spec.containers[1].ports[0].hostPort"), and map entries by their key in
// brackets, unquoted even when the key holds dots or slashes
// ("metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]").
// Pod-level fields sit under the pod's own paths, so that for a Deployment
// they read "spec.template.spec.securityContext.runAsNonRoot" and
// "spec.template.metadata.annotations[...]".
//
// Messages reuse the wording of Pod Security Admission's forbidden details
// ("container \"app\" must not set securityContext.privileged=true"), one
// per offending field rather than one per check, so that PSA users
// recognise them and each names its own path.

// specField returns the path of a field of the pod spec ("securityContext.sysctls[0].name").
func specField(in *policy.Input, sub string) string { return in.Object.Pod.SpecPath + "." + sub }

// annotationField returns the path of one annotation of the pod.
func annotationField(in *policy.Input, key string) string {
	return in.Object.Pod.MetaPath + ".annotations[" + key + "]"
}

// index appends a list index to a field name ("add" -> "add[2]").
func index(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }

// podViolation is a violation of a pod-level field; msg follows "pod".
func podViolation(in *policy.Input, field, msg string) policy.Violation {
	return policy.Violation{Path: specField(in, field), Message: "pod " + msg}
}

// containerViolation is a violation of a field of one container; msg
// follows `container "name"`.
func containerViolation(c policy.Container, field, msg string) policy.Violation {
	return policy.Violation{Path: c.Field(field), Container: c.Name, Message: fmt.Sprintf("container %q %s", c.Name, msg)}
}
