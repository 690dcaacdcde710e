package workload

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/bulwarksec/bulwark/internal/policy"
	"github.com/bulwarksec/bulwark/internal/testbed"
)

// azureDefinition is one row of the shared azure-policy-k8s.tsv.
type azureDefinition struct {
	file, name, id, mode, effect, params string
	deprecated                           bool
}

// TestAzureCoverage checks that every Microsoft.Kubernetes.Data definition
// of Azure Policy is implemented by exactly one rule or listed in
// not_applicable.tsv with a reason, and that each rule carries its
// definition's default effect and non-standard parameters. A rule that
// replaces a deprecated definition (k8s.imageUnhealthy: Azure's gating
// on Defender's findings, Bulwark's on its own scan verdicts) keeps the
// reference for users migrating, not Azure's effect and parameters.
func TestAzureCoverage(t *testing.T) {
	defs := readAzureDefinitions(t)
	na := readNotApplicable(t)
	byRule := map[string][]*policy.Rule{}
	for _, r := range Rules() {
		if id := r.References.Azure; id != "" {
			if _, ok := defs[id]; !ok {
				t.Errorf("rule %s references Azure definition %s, which is not in the reference data", r.ID, id)
			}
			byRule[id] = append(byRule[id], r)
		}
	}
	for id, d := range defs {
		if d.mode != "Microsoft.Kubernetes.Data" {
			continue
		}
		rules, reason := byRule[id], na[id]
		switch {
		case len(rules) > 1:
			t.Errorf("%s (%s) is implemented by %d rules", d.file, id, len(rules))
		case len(rules) == 1 && reason != "":
			t.Errorf("%s (%s) is implemented by %s and listed as not applicable", d.file, id, rules[0].ID)
		case len(rules) == 1 && !d.deprecated:
			checkAgainstDefinition(t, rules[0], d)
		case len(rules) == 1:
			// A replacement of a deprecated definition: the reference only.
		case reason == "":
			t.Errorf("%s (%s, %q) has no rule and is not listed in not_applicable.tsv", d.file, id, d.name)
		}
	}
	for id := range na {
		if d, ok := defs[id]; !ok || d.mode != "Microsoft.Kubernetes.Data" {
			t.Errorf("not_applicable.tsv lists %s, which is not a Microsoft.Kubernetes.Data definition", id)
		}
	}
}

// standardParams are Azure's parameters that the engine's scope and
// effects carry for every rule.
var standardParams = map[string]bool{"excludedNamespaces": true, "namespaces": true, "labelSelector": true,
	"excludedContainers": true, "excludedImages": true, "warn": true, "source": true}

func checkAgainstDefinition(t *testing.T, r *policy.Rule, d azureDefinition) {
	t.Helper()
	if want := policy.Effect(strings.ToLower(d.effect)); r.Effect != want {
		t.Errorf("rule %s: default effect %s, Azure's %s is %s", r.ID, r.Effect, d.file, want)
	}
	for _, p := range strings.Split(d.params, "; ") {
		name, def, hasDefault := strings.Cut(p, "=")
		if name == "" || standardParams[name] {
			continue
		}
		decl, ok := findParam(r.Params, name)
		if !ok {
			t.Errorf("rule %s lacks Azure's parameter %s", r.ID, name)
			continue
		}
		if hasDefault && !strings.HasSuffix(def, "...") && canonicalJSON(t, decl.Default) != canonicalJSON(t, json.RawMessage(def)) {
			t.Errorf("rule %s parameter %s: default %s, Azure's is %s", r.ID, name, canonicalJSON(t, decl.Default), def)
		}
	}
}

func findParam(ps []policy.Param, name string) (policy.Param, bool) {
	for _, p := range ps {
		if p.Name == name {
			return p, true
		}
	}
	return policy.Param{}, false
}

// canonicalJSON renders a value as JSON with sorted keys and no spaces.
func canonicalJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var generic any
	if err := json.Unmarshal(data, &generic); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	out, _ := json.Marshal(generic)
	return string(out)
}

func readAzureDefinitions(t *testing.T) map[string]azureDefinition {
	t.Helper()
	path := testbed.SharedPath("reference", "azure-policy-k8s.tsv")
	if path == "" {
		testbed.Unavailable(t, "shared reference data", "reference/azure-policy-k8s.tsv not found in the shared folder")
	}
	rows := readTSV(t, path)
	out := map[string]azureDefinition{}
	for _, row := range rows[1:] {
		d := azureDefinition{file: row[0], name: row[1], id: row[2], mode: row[3], effect: row[4], params: row[9], deprecated: row[7] == "deprecated"}
		out[d.id] = d
	}
	return out
}

// readNotApplicable reads not_applicable.tsv: definition ID to reason.
func readNotApplicable(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, row := range readTSV(t, "not_applicable.tsv")[1:] {
		if _, dup := out[row[0]]; dup || len(row) != 3 || row[2] == "" {
			t.Errorf("not_applicable.tsv: %s is listed twice or without a reason", row[0])
		}
		out[row[0]] = row[2]
	}
	return out
}

// readTSV reads a tab-separated file, skipping lines that start with #.
// Fields are split on tabs only: the reference data's JSON defaults hold
// quotes that a CSV reader would interpret.
func readTSV(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for _, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		if !strings.HasPrefix(line, "#") {
			rows = append(rows, strings.Split(line, "\t"))
		}
	}
	return rows
}
