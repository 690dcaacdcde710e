// Package finding is Bulwark's shared result model. Every engine (image
// scanning, policy, benchmarks, detection) reports what it found as Findings,
// so that the platform can store, group and show them the same way.
package finding

import "time"

// Kind says which engine produced a Finding.
type Kind string

// The kinds of finding.
const (
	KindVulnerability    Kind = "vulnerability"
	KindMisconfiguration Kind = "misconfiguration"
	KindBenchmark        Kind = "benchmark"
	KindAdmission        Kind = "admission"
	KindDetection        Kind = "detection"
)

// Status is the outcome of one rule on one target.
type Status string

// The five statuses. Error means the rule could not be evaluated; skip means
// it does not apply to the target.
const (
	StatusPass  Status = "pass"
	StatusFail  Status = "fail"
	StatusWarn  Status = "warn"
	StatusError Status = "error"
	StatusSkip  Status = "skip"
)

// Finding is one result of one rule on one target. An engine whose results
// need more than the common fields adds one typed detail, so that every
// writer and the store handle every engine's findings alike and the
// writers that know the detail (a CycloneDX vulnerabilities section) use it.
type Finding struct {
	RuleID      string            `json:"ruleID"`
	Kind        Kind              `json:"kind"`
	Status      Status            `json:"status"`
	Severity    Severity          `json:"severity"`
	Title       string            `json:"title,omitempty"`
	Target      Target            `json:"target"`
	Location    Location          `json:"location,omitzero"`
	Evidence    map[string]string `json:"evidence,omitempty"`
	Remediation string            `json:"remediation,omitempty"`
	References  []string          `json:"references,omitempty"`
	Tags        []string          `json:"tags,omitempty"`
	Time        time.Time         `json:"time,omitzero"`
	// Vulnerability is the detail of a KindVulnerability finding.
	Vulnerability *Vulnerability `json:"vulnerability,omitempty"`
}

// TargetKind names the sort of resource a Finding is about.
type TargetKind string

// The kinds of target.
const (
	TargetImage    TargetKind = "image"
	TargetWorkload TargetKind = "workload"
	TargetNode     TargetKind = "node"
	TargetHost     TargetKind = "host"
	TargetCluster  TargetKind = "cluster"
)

// Target identifies the resource a Finding is about. ID is the stable asset
// ID (for example "image:sha256:..."), Name what a person would call it.
type Target struct {
	Kind TargetKind `json:"kind"`
	ID   string     `json:"id"`
	Name string     `json:"name,omitempty"`
}

// Location points inside the target: a file and the image layer that holds
// it, a JSON path in an object, or an audit event ID.
type Location struct {
	Path string `json:"path,omitempty"`
	// Line is the line in Path where the finding's object starts (a
	// manifest checked in CI), 0 when not known.
	Line     int    `json:"line,omitempty"`
	Layer    string `json:"layer,omitempty"`
	JSONPath string `json:"jsonPath,omitempty"`
	EventID  string `json:"eventID,omitempty"`
}
