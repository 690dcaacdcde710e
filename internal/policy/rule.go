package policy

import (
	"context"
	"fmt"

	"github.com/bulwarksec/bulwark/internal/finding"
)

// Effect is what a violation of a rule does at admission.
type Effect string

// The effects. Audit records a violation without telling the caller; warn
// admits with an admission warning; deny refuses the request.
const (
	EffectDeny     Effect = "deny"
	EffectWarn     Effect = "warn"
	EffectAudit    Effect = "audit"
	EffectDisabled Effect = "disabled"
)

// ParseEffect reads an effect name (case-sensitive, as written in config).
func ParseEffect(s string) (Effect, error) {
	switch e := Effect(s); e {
	case EffectDeny, EffectWarn, EffectAudit, EffectDisabled:
		return e, nil
	}
	return "", fmt.Errorf("unknown effect %q (want deny, warn, audit or disabled)", s)
}

// Rule is one workload rule: metadata as data and a Check that finds the
// rule's violations in one object.
type Rule struct {
	// ID is stable and unique: "pss.<upstream check ID>" for the Pod
	// Security Standards, "k8s.<name>" for the other built-in rules,
	// anything else for custom rules.
	ID          string
	Title       string
	Severity    finding.Severity
	Rationale   string
	Remediation string
	References  References
	// Effect is the default effect, used unless the configuration sets one.
	Effect Effect
	// Level is the Pod Security Standards level ("baseline" or
	// "restricted") of a pss rule, whose default effect then follows the
	// configuration's PSS levels instead of Effect.
	Level string
	// Overrides names the baseline rules a restricted pss rule replaces
	// from a version on, as upstream's checks declare it: at the
	// restricted level only the stricter rule runs, so the pair reports
	// (and admits) exactly as Pod Security Admission does, including the
	// Windows pods that restricted rules exempt.
	Overrides []Override
	// Kinds lists the object kinds the rule reads ("Pod", "Service", ...),
	// as Object.KindKey names them ("group/Kind" for kinds Bulwark does
	// not decode); PodKinds is every kind that carries a pod template.
	Kinds []string
	// KindParam, when set, names the string parameter that holds the one
	// kind the rule reads instead of Kinds (Azure's BlockResource and
	// EnforceResourceAnnotation take the kind as a parameter); while it is
	// empty the rule reads nothing, so the webhook need not see every kind.
	KindParam string
	// Params declares the rule's parameters with their defaults.
	Params []Param
	// NeedsImages marks a rule that asks Input.Images about images:
	// New refuses to enable it without an image-health source.
	NeedsImages bool
	// Check returns the object's violations of the rule; an error means the
	// rule could not be evaluated (status error), not a violation.
	Check func(ctx context.Context, in *Input) ([]Violation, error)
}

// Override is one baseline rule a restricted rule replaces.
type Override struct {
	// Rule is the baseline rule's ID.
	Rule string
	// Since is the minor version (of 1.x) from which the override holds.
	Since int
}

// References ties a rule to the standards it implements.
type References struct {
	// PSS is the Pod Security Standards control name and level
	// ("Privileged Containers (baseline)").
	PSS string `json:"pss,omitempty"`
	// Azure is the Azure Policy definition ID the rule implements.
	Azure string `json:"azure,omitempty"`
	// CIS is the CIS Kubernetes Benchmark control ID ("5.2.2").
	CIS string `json:"cis,omitempty"`
	// URLs are further reading.
	URLs []string `json:"urls,omitempty"`
}

// List returns the references as the strings a finding carries.
func (r References) List() []string {
	var out []string
	if r.PSS != "" {
		out = append(out, "PSS: "+r.PSS)
	}
	if r.Azure != "" {
		out = append(out, "Azure Policy: /providers/Microsoft.Authorization/policyDefinitions/"+r.Azure)
	}
	if r.CIS != "" {
		out = append(out, "CIS Kubernetes: "+r.CIS)
	}
	return append(out, r.URLs...)
}

// Violation is one place where an object breaks a rule.
type Violation struct {
	// Path is the field path in the object as submitted
	// ("spec.template.spec.containers[1].securityContext.privileged").
	Path string `json:"path,omitempty"`
	// Container is the container's name when the violation is in one.
	Container string `json:"container,omitempty"`
	// Message says what is wrong, in a sentence without the rule's title.
	Message string `json:"message"`
}
