package admission

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bulwarksec/bulwark/internal/policy"
)

// Bounds on what a response carries. The API server truncates a warning
// past 256 characters and drops warnings past 4,096 in all, and a deny
// message is read by a person: a workload with hundreds of violations
// gets the first ones and a count of the rest.
const (
	maxWarningRunes    = 256
	maxWarnings        = 20
	maxViolationsShown = 10
)

func denyStatus(msg string) *metav1.Status {
	return &metav1.Status{Status: metav1.StatusFailure, Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden, Message: msg}
}

// denyMessage lists each rule that denies, with the field path and message
// of each violation and the rule's remediation:
//
//	Bulwark policy denied this Pod (1 rule):
//	[pss.privileged] Privileged containers are disallowed
//	  spec.containers[0].securityContext.privileged: container app must not set securityContext.privileged=true
//	  remediation: Unset securityContext.privileged or set it to false on every container.
func (d *Decision) denyMessage() string {
	var b strings.Builder
	n := len(d.Rules(policy.EffectDeny))
	what := "this object"
	if d.Object != nil {
		what = "this " + d.Object.Kind
	}
	if d.Err != nil && d.ErrEffect == policy.EffectDeny {
		fmt.Fprintf(&b, "Bulwark policy could not evaluate %s, and denies what it cannot evaluate: %v", what, d.Err)
		return b.String()
	}
	fmt.Fprintf(&b, "Bulwark policy denied %s (%d %s):", what, n, plural(n, "rule", "rules"))
	for _, v := range d.Verdicts {
		if v.Applied == policy.EffectDeny {
			writeRule(&b, v)
		}
	}
	return b.String()
}

func writeRule(b *strings.Builder, v Verdict) {
	fmt.Fprintf(b, "\n[%s] %s", v.Rule.ID, v.Rule.Title)
	if v.Err != nil {
		fmt.Fprintf(b, "\n  could not be evaluated: %v", v.Err)
	}
	for i, vi := range v.Violations {
		if i == maxViolationsShown {
			fmt.Fprintf(b, "\n  ... and %d more", len(v.Violations)-i)
			break
		}
		fmt.Fprintf(b, "\n  %s", violationText(vi))
	}
	if v.Rule.Remediation != "" && v.Err == nil {
		fmt.Fprintf(b, "\n  remediation: %s", v.Rule.Remediation)
	}
}

func violationText(v policy.Violation) string {
	if v.Path == "" {
		return v.Message
	}
	return v.Path + ": " + v.Message
}

// warnings are one line per violation of a warn rule (and per rule that
// could not be evaluated when errors are allowed), as kubectl prints them:
// "Warning: [k8s.noLatestTag] spec.containers[0].image: ...".
func (d *Decision) warnings() []string {
	var out []string
	if d.Err != nil && d.ErrEffect == policy.EffectWarn {
		out = append(out, "Bulwark policy could not evaluate this object: "+d.Err.Error())
	}
	for _, v := range d.Verdicts {
		if v.Applied != policy.EffectWarn {
			continue
		}
		if v.Err != nil {
			out = append(out, fmt.Sprintf("[%s] could not be evaluated: %v", v.Rule.ID, v.Err))
		}
		for _, vi := range v.Violations {
			out = append(out, fmt.Sprintf("[%s] %s", v.Rule.ID, violationText(vi)))
		}
	}
	if len(out) > maxWarnings {
		out = append(out[:maxWarnings-1], fmt.Sprintf("... and %d more Bulwark policy warnings", len(out)-maxWarnings+1))
	}
	for i, w := range out {
		out[i] = truncate(oneLine(w), maxWarningRunes)
	}
	return out
}

// oneLine keeps a warning on one line: the API server passes each one on
// to the client as an HTTP Warning header.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func joinIDs(ids []string) string { return strings.Join(ids, ",") }
