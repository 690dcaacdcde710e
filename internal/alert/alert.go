// Package alert is Bulwark's alert model and its delivery. Detections (image
// health, Kubernetes audit rules, node rules) produce Alerts; a Dispatcher
// hands each one to every configured Notifier (a JSON webhook, a Slack
// incoming webhook, syslog for SIEMs) in the background, retrying with
// backoff, so that a slow or broken receiver never holds up detection.
package alert

import (
	"context"
	"encoding/json"
	"time"
)

// Alert is one detection: what happened, where, how bad, what to do.
type Alert struct {
	// Type is the stable type ID, e.g. "IMAGE_Unhealthy" or "K8S_PrivilegedContainer".
	Type  string `json:"type"`
	Title string `json:"title"`
	// Severity is critical, high, medium, low or informational.
	Severity string `json:"severity"`
	// Tactics are MITRE ATT&CK tactics.
	Tactics []string `json:"tactics"`
	// Entities name what the alert is about: cluster, namespace, workload,
	// container, image, node, user, ip, process and so on.
	Entities map[string]string `json:"entities"`
	// Evidence holds the raw events, as JSON.
	Evidence    json.RawMessage `json:"evidence"`
	Remediation string          `json:"remediation"`
	Time        time.Time       `json:"time"`
	// Count is the number of repeats folded into this alert (at least 1).
	Count int `json:"count"`
	// Status is active, dismissed or resolved.
	Status string `json:"status"`
	// URL links to the alert or resource in the dashboard; it may be empty.
	URL string `json:"url"`
}

// Notifier sends one alert somewhere.
type Notifier interface {
	// Name identifies the notifier in logs and metrics. It never holds a
	// secret: for URLs it is the scheme and host only.
	Name() string
	// Notify delivers a. An error may be retried by the caller.
	Notify(ctx context.Context, a Alert) error
}

// normalized returns a copy of a with the defaults receivers can rely on:
// a count of at least 1, an "active" status when none is set, empty (not
// null) tactics and entities, and evidence that is valid JSON (bad evidence
// is kept as a JSON string rather than losing the alert).
func normalized(a Alert) Alert {
	if a.Count < 1 {
		a.Count = 1
	}
	if a.Status == "" {
		a.Status = "active"
	}
	if a.Tactics == nil {
		a.Tactics = []string{}
	}
	if a.Entities == nil {
		a.Entities = map[string]string{}
	}
	switch {
	case len(a.Evidence) == 0:
		a.Evidence = json.RawMessage("null")
	case !json.Valid(a.Evidence):
		b, _ := json.Marshal(string(a.Evidence)) // a string always marshals
		a.Evidence = b
	}
	return a
}
