package policy

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// WriteReference writes the rule reference in Markdown: the fields custom
// rules read (the vocabulary), an index of the rules, then every rule with
// its metadata, parameters and references. The docs are generated from
// the rules themselves, so they cannot drift from what runs.
func WriteReference(w io.Writer, rules []*Rule) error {
	var b strings.Builder
	b.WriteString("# Workload policy rules\n\n")
	b.WriteString("<!-- Generated from the rules' metadata by `go test ./internal/policy/builtin -update`; do not edit. -->\n\n")
	fmt.Fprintf(&b, "%d rules. Enablement, effect, parameters and scope of each are set in the policy configuration, by rule ID; "+
		"the Pod Security Standards rules (`pss.*`) take their effect from the configuration's `pss` levels unless a rule sets one.\n\n", len(rules))
	writeVocabulary(&b)
	writeIndex(&b, rules)
	for _, r := range rules {
		writeRule(&b, r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeVocabulary(b *strings.Builder) {
	b.WriteString("## Fields of custom rules\n\n")
	b.WriteString("Custom rules are CEL expressions over these variables, and only these " +
		"(a rule file is a YAML list of rules: see docs/examples/policy/custom-rules.yaml). " +
		"The fields marked *container* exist in rules with `foreach: container`, which run once per container. " +
		"A rule's `kinds` name built-in and core kinds bare (`Deployment`, `Secret`) and other kinds with their group (`example.com/Widget`); " +
		"`pods: true` adds every pod-bearing kind.\n\n")
	b.WriteString("| Field | Type | Description |\n|---|---|---|\n")
	for _, f := range vocabulary {
		doc := f.Doc
		if f.PerContainer {
			doc = "*container* " + doc
		}
		for _, k := range f.Keys {
			doc += fmt.Sprintf("<br>`%s.%s` (%s): %s", f.Name, k.Name, k.Type, k.Doc)
		}
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", f.Name, cell(f.TypeName()), cell(doc))
	}
	b.WriteString("\n")
}

func writeIndex(b *strings.Builder, rules []*Rule) {
	b.WriteString("## Rules\n\n| ID | Title | Severity | Default effect |\n|---|---|---|---|\n")
	for _, r := range rules {
		fmt.Fprintf(b, "| [`%s`](#%s) | %s | %s | %s |\n", r.ID, anchor(r.ID), cell(r.Title), r.Severity, defaultEffect(r))
	}
	b.WriteString("\n")
}

func writeRule(b *strings.Builder, r *Rule) {
	fmt.Fprintf(b, "### %s\n\n**%s**\n\n", r.ID, r.Title)
	fmt.Fprintf(b, "- Severity: %s\n- Default effect: %s\n- Kinds: %s\n", r.Severity, defaultEffect(r), kindsText(r))
	for _, o := range r.Overrides {
		fmt.Fprintf(b, "- Replaces %s at the restricted level from v1.%d\n", o.Rule, o.Since)
	}
	for _, ref := range referenceLines(r.References) {
		b.WriteString("- " + ref + "\n")
	}
	b.WriteString("\n")
	writeParams(b, r.Params)
	if r.Rationale != "" {
		b.WriteString("Rationale: " + oneLine(r.Rationale) + "\n\n")
	}
	if r.Remediation != "" {
		b.WriteString("Remediation: " + oneLine(r.Remediation) + "\n\n")
	}
}

func writeParams(b *strings.Builder, ps []Param) {
	if len(ps) == 0 {
		return
	}
	b.WriteString("| Parameter | Type | Default | Description |\n|---|---|---|---|\n")
	for _, p := range ps {
		def, _ := json.Marshal(p.Default)
		fmt.Fprintf(b, "| `%s` | %s | `%s` | %s |\n", p.Name, paramType(p.Default), cell(string(def)), cell(p.Doc))
	}
	b.WriteString("\n")
}

func defaultEffect(r *Rule) string {
	if r.Level != "" {
		return "PSS level " + r.Level
	}
	return string(r.Effect)
}

func kindsText(r *Rule) string {
	switch {
	case r.KindParam != "":
		return "the kind that parameter `" + r.KindParam + "` names (none until it is set)"
	case slices.Equal(r.Kinds, podKinds):
		return "every pod-bearing kind (" + strings.Join(r.Kinds, ", ") + ")"
	}
	return strings.Join(r.Kinds, ", ")
}

func referenceLines(r References) []string {
	var out []string
	if r.PSS != "" {
		out = append(out, "Pod Security Standards: "+r.PSS)
	}
	if r.Azure != "" {
		out = append(out, "Azure Policy definition: `"+r.Azure+"` (/providers/Microsoft.Authorization/policyDefinitions/"+r.Azure+")")
	}
	if r.CIS != "" {
		out = append(out, "CIS Kubernetes Benchmark: "+r.CIS)
	}
	for _, u := range r.URLs {
		out = append(out, "See: <"+u+">")
	}
	return out
}

func paramType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "bool"
	case int:
		return "int"
	case []string:
		return "list of strings"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// anchor is the heading anchor GitHub makes for "### <id>": lower case,
// dots and other punctuation dropped.
func anchor(id string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(id) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(oneLine(s), "|", `\|`) }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
