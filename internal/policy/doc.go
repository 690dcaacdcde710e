// Package policy evaluates Kubernetes objects against workload rules: the
// Pod Security Standards, best-practice rules that match Azure Policy's
// Kubernetes definitions, and custom rules written in CEL.
//
// A Rule is logic plus metadata (ID, title, severity, references, default
// effect, parameters with defaults). Whether a rule runs, its effect, its
// parameters and the resources it covers are configuration (Config), never
// edits to the rule. The Engine decodes an object once (Decode), runs every
// enabled rule whose kinds and scope match, and returns one Result per rule,
// which the admission webhook turns into allow, warn or deny and the CLI
// into findings.
//
// The package is a pure engine: it does no I/O of its own except through
// the ImageHealth interface a caller may inject for the image-gating rule.
package policy
