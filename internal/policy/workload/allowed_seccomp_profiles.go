package workload

import (
	"context"
	"strings"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
)

// allowedSeccompProfiles implements Azure Policy's "Kubernetes cluster
// containers should only use allowed seccomp profiles" (Gatekeeper's
// k8spspseccomp, whose profile names Azure's parameter uses). The profile
// of each container is found as the template does (seccomp_profile.go).
// "runtime/default" and "docker/default" name the same profile, as the
// kubelet reads them; the template only lets a RuntimeDefault
// seccompProfile match either.
var allowedSeccompProfiles = &policy.Rule{
	ID:       "k8s.allowedSeccompProfiles",
	Title:    "Kubernetes cluster containers should only use allowed seccomp profiles",
	Severity: finding.SeverityMedium,
	Rationale: "Seccomp filters the system calls a container may make; an unconfined container can call the " +
		"rarely used, often vulnerable kernel interfaces (keyctl, userfaultfd, unshare) that container " +
		"escapes exploit.",
	Remediation: "Set securityContext.seccompProfile.type: RuntimeDefault on the pod (or each container), or a " +
		"Localhost profile that is allowed.",
	References: policy.References{
		Azure: "975ce327-682c-4f2e-aa46-b9598289b86c",
		URLs:  []string{"https://kubernetes.io/docs/tutorials/security/seccomp/"},
	},
	Effect: policy.EffectAudit,
	Kinds:  policy.PodKinds(),
	Params: []policy.Param{
		{Name: "allowedProfiles", Default: []string{},
			Doc: "Profiles containers may use: runtime/default, docker/default, unconfined, localhost/<file>, " +
				"localhost/* for any local profile, \"not configured\" for containers without one; \"*\" allows all, empty none."},
	},
	Check: exceptPodUpdate(func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		allowed := in.Params.Strings("allowedProfiles")
		var vs []policy.Violation
		for _, c := range in.Containers() {
			s := seccompOf(in.Object.Pod, c)
			if !seccompAllowed(allowed, s.profile) {
				vs = append(vs, policy.Violation{Path: s.path, Container: c.Name,
					Message: "container " + c.Name + " uses seccomp profile " + s.profile + ", which is not allowed"})
			}
		}
		return vs, nil
	}),
}

func seccompAllowed(allowed []string, profile string) bool {
	for _, a := range allowed {
		switch {
		case a == "*", a == profile,
			a == "localhost/*" && strings.HasPrefix(profile, "localhost/"),
			isRuntimeDefault(a) && isRuntimeDefault(profile):
			return true
		}
	}
	return false
}

func isRuntimeDefault(p string) bool { return p == "runtime/default" || p == "docker/default" }
