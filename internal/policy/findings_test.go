package policy

import (
	"errors"
	"reflect"
	"testing"

	"github.com/bulwarksec/bulwark/internal/finding"
)

// TestFindings checks how a result becomes findings: one per violation
// with its path, container and message, or one for the whole rule.
func TestFindings(t *testing.T) {
	r := &Rule{ID: "k8s.x", Title: "X", Severity: finding.SeverityHigh, Remediation: "fix it",
		References: References{Azure: "abc", CIS: "5.2.2"}}
	obj := mustDecode(t, twoContainerPod)
	tgt := Target("prod", obj)
	if tgt.ID != "k8s:prod/shop/Pod/web" || tgt.Name != "Pod/shop/web" || tgt.Kind != finding.TargetWorkload {
		t.Errorf("target %+v", tgt)
	}
	role := mustDecode(t, `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"admin"}}`)
	if rt := Target("prod", role); rt.ID != "k8s:prod//ClusterRole/admin" || rt.Name != "ClusterRole/admin" {
		t.Errorf("cluster-scoped target %+v", rt)
	}

	fs := Result{Rule: r, Effect: EffectWarn, Status: finding.StatusWarn, Violations: []Violation{
		{Path: "spec.containers[1].image", Container: "side", Message: "bad side"},
		{Path: "spec.volumes", Message: "bad volume"},
	}}.Findings(finding.KindAdmission, tgt)
	if len(fs) != 2 {
		t.Fatalf("%d findings, want 2", len(fs))
	}
	want := map[string]string{"effect": "warn", "message": "bad side", "container": "side"}
	if fs[0].Location.JSONPath != "spec.containers[1].image" || !reflect.DeepEqual(fs[0].Evidence, want) ||
		fs[0].Status != finding.StatusWarn || fs[0].RuleID != "k8s.x" || fs[0].Severity != finding.SeverityHigh ||
		fs[0].Remediation != "fix it" || len(fs[0].References) != 2 || fs[0].Target != tgt {
		t.Errorf("first finding %+v", fs[0])
	}
	if _, ok := fs[1].Evidence["container"]; ok || fs[1].Evidence["message"] != "bad volume" || fs[1].Location.JSONPath != "spec.volumes" {
		t.Errorf("second finding %+v", fs[1])
	}

	pass := Result{Rule: r, Effect: EffectDeny, Status: finding.StatusPass}.Findings(finding.KindMisconfiguration, tgt)
	if len(pass) != 1 || pass[0].Status != finding.StatusPass || pass[0].Location.JSONPath != "" || pass[0].Evidence["effect"] != "deny" {
		t.Errorf("pass finding %+v", pass)
	}
	failed := Result{Rule: r, Effect: EffectDeny, Status: finding.StatusError, Err: errors.New("no answer")}.Findings(finding.KindAdmission, tgt)
	if len(failed) != 1 || failed[0].Status != finding.StatusError || failed[0].Evidence["error"] != "no answer" {
		t.Errorf("error finding %+v", failed)
	}
}
