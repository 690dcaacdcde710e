package alert

import (
	"encoding/json"
	"testing"
	"time"
)

func TestFingerprintPinned(t *testing.T) {
	// Stored alerts are folded by fingerprint, so its definition must not
	// drift. The expected values were computed outside Go (Python hashlib)
	// from the documented encoding: SHA-256 over the type, then each
	// non-empty entity key and value in key order, each preceded by its
	// length as a uvarint.
	tests := []struct {
		a    Alert
		want string
	}{
		{Alert{Type: "K8S_PrivilegedContainer", Entities: map[string]string{
			"workload": "deployment/api", "cluster": "prod", "namespace": "payments", "user": ""}},
			"4c466a05c41a786a9f95094f4cb456c83b54b96e4dad671ff994c6a51ac4e68a"},
		{Alert{Type: "IMAGE_Unhealthy"}, "a9d4c317979681b6cff95470c70d2907e97dac31e1b8c85251272cfb2a9cc7db"},
	}
	for _, tt := range tests {
		if got := Fingerprint(tt.a); got != tt.want {
			t.Errorf("Fingerprint(%v) = %s, want %s", tt.a.Entities, got, tt.want)
		}
	}
}

func TestFingerprintFoldsRepeats(t *testing.T) {
	base := Alert{Type: "K8S_ExecIntoPod", Title: "exec into pod", Severity: "high",
		Entities: map[string]string{"cluster": "prod", "namespace": "web", "user": "alice", "workload": "api"}}
	same := []struct {
		name string
		edit func(*Alert)
	}{
		{"entities built in another order", func(a *Alert) {
			a.Entities = map[string]string{"workload": "api", "user": "alice", "namespace": "web", "cluster": "prod"}
		}},
		{"other time", func(a *Alert) { a.Time = time.Date(2030, 1, 2, 3, 4, 5, 6, time.UTC) }},
		{"other evidence", func(a *Alert) { a.Evidence = json.RawMessage(`[{"verb":"create"}]`) }},
		{"other count, status, title, severity", func(a *Alert) {
			a.Count, a.Status, a.Title, a.Severity = 7, "resolved", "renamed", "low"
		}},
		{"an empty entity added", func(a *Alert) { a.Entities["ip"] = "" }},
	}
	want := Fingerprint(base)
	if len(want) != 64 {
		t.Fatalf("Fingerprint = %q, want 64 hex digits", want)
	}
	for _, tt := range same {
		a := cloneAlert(base)
		tt.edit(&a)
		if got := Fingerprint(a); got != want {
			t.Errorf("%s: fingerprint changed: %s, want %s", tt.name, got, want)
		}
	}
}

func TestFingerprintSeparatesAlerts(t *testing.T) {
	alerts := []Alert{
		{Type: "A"},
		{Type: "B"},
		{Type: "A", Entities: map[string]string{"user": "alice"}},
		{Type: "A", Entities: map[string]string{"user": "bob"}},
		{Type: "A", Entities: map[string]string{"ip": "alice"}},
		{Type: "A", Entities: map[string]string{"user": "alice", "ip": "10.0.0.1"}},
		// Shifting text between key and value, or between fields, must not collide.
		{Type: "A", Entities: map[string]string{"ab": "c"}},
		{Type: "A", Entities: map[string]string{"a": "bc"}},
		{Type: "Aa", Entities: map[string]string{"b": "c"}},
		{Type: "A", Entities: map[string]string{"a": "b", "c": "d"}},
		{Type: "A", Entities: map[string]string{"a": "bc", "": "d"}},
	}
	seen := map[string]int{}
	for i, a := range alerts {
		fp := Fingerprint(a)
		if j, ok := seen[fp]; ok {
			t.Errorf("alerts %d (%v) and %d (%v) share fingerprint %s", i, a, j, alerts[j], fp)
		}
		seen[fp] = i
	}
}

func BenchmarkFingerprint(b *testing.B) {
	a := Alert{Type: "K8S_PrivilegedContainer", Entities: map[string]string{
		"cluster": "prod", "namespace": "payments", "workload": "deployment/api",
		"container": "api", "image": "registry.example/api:1.2", "node": "node-7"}}
	b.ReportAllocs()
	for b.Loop() {
		Fingerprint(a)
	}
}
