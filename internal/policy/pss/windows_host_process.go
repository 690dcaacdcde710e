package pss

import (
	"context"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	corev1 "k8s.io/api/core/v1"
)

// windowsHostProcess is the baseline control "HostProcess": neither the
// pod nor a container may set windowsOptions.hostProcess to true (all
// versions).
var windowsHostProcess = &policy.Rule{
	ID:       "pss.windowsHostProcess",
	Title:    "Windows HostProcess pods are disallowed",
	Severity: finding.SeverityHigh,
	Rationale: "A Windows HostProcess container runs directly on the node with host access, " +
		"as a privileged Linux container would.",
	Remediation: "Unset securityContext.windowsOptions.hostProcess or set it to false, on the pod and on every container.",
	References:  policy.References{PSS: "HostProcess (baseline)", CIS: "5.2.11", URLs: []string{docURL + "#baseline"}},
	Level:       baseline,
	Kinds:       policy.PodKinds(),
	Check:       checkWindowsHostProcess,
}

const hostProcessField = "securityContext.windowsOptions.hostProcess"

func checkWindowsHostProcess(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
	var vs []policy.Violation
	if sc := in.Object.Pod.Spec.SecurityContext; sc != nil && hostProcess(sc.WindowsOptions) {
		vs = append(vs, podViolation(in, hostProcessField, "must not set "+hostProcessField+"=true"))
	}
	for _, c := range in.Containers() {
		if sc := c.SecurityContext; sc != nil && hostProcess(sc.WindowsOptions) {
			vs = append(vs, containerViolation(c, hostProcessField, "must not set "+hostProcessField+"=true"))
		}
	}
	return vs, nil
}

func hostProcess(o *corev1.WindowsSecurityContextOptions) bool {
	return o != nil && o.HostProcess != nil && *o.HostProcess
}
