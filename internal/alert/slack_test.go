package alert

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestSlackPayload(t *testing.T) {
	rc := newReceiver(t, status(200, "ok"))
	s := NewSlack(rc.url(), nil)
	a := sampleAlert()
	a.Title = "Shell in <api> & friends"
	a.Entities["user"] = "system:serviceaccount:payments:<default>"
	if err := s.Notify(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	r := rc.requests()[0]
	if r.path != secretPath || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("posted to %s as %s", r.path, r.header.Get("Content-Type"))
	}
	var m struct {
		Text        string
		Attachments []struct {
			Fallback, Color, Title, Text, Footer string
			TitleLink                            string `json:"title_link"`
			Ts                                   int64
			Fields                               []struct {
				Title, Value string
				Short        bool
			}
		}
	}
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("%v\n%s", err, r.body)
	}
	wantText := "[HIGH] Shell in &lt;api&gt; &amp; friends <https://bulwark.example/alerts/42|View alert>"
	if m.Text != wantText {
		t.Errorf("text = %q, want %q", m.Text, wantText)
	}
	if len(m.Attachments) != 1 {
		t.Fatalf("%d attachments, want 1", len(m.Attachments))
	}
	att := m.Attachments[0]
	checks := []struct{ name, got, want string }{
		{"fallback", att.Fallback, "[HIGH] Shell in &lt;api&gt; &amp; friends"},
		{"color", att.Color, "#d0342c"},
		{"title", att.Title, "Shell in &lt;api&gt; &amp; friends"},
		{"title_link", att.TitleLink, a.URL},
		{"text", att.Text, a.Remediation},
		{"footer", att.Footer, "Bulwark · K8S_PrivilegedContainer · " + Fingerprint(a)[:12]},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("attachment %s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if att.Ts != a.Time.Unix() {
		t.Errorf("ts = %d, want %d", att.Ts, a.Time.Unix())
	}
	var fields []string
	for _, f := range att.Fields {
		fields = append(fields, f.Title+"="+f.Value)
	}
	want := []string{"Severity=high", "Status=active", "Count=3", "Tactics=Privilege Escalation, Execution",
		"cluster=prod", "container=api", "namespace=payments", "user=system:serviceaccount:payments:&lt;default&gt;",
		"workload=deployment/api"}
	if strings.Join(fields, "\n") != strings.Join(want, "\n") {
		t.Errorf("fields:\n%s\nwant:\n%s", strings.Join(fields, "\n"), strings.Join(want, "\n"))
	}
}

func TestSlackPayloadEdges(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Alert)
		text string
	}{
		{"no URL, no link", func(a *Alert) { a.URL = "" }, "[HIGH] t"},
		{"non-http URL is not linked", func(a *Alert) { a.URL = "javascript:alert(1)" }, "[HIGH] t"},
		{"URL that would end the link early", func(a *Alert) { a.URL = "https://x.example/a|b>" }, "[HIGH] t"},
		{"ampersand in URL", func(a *Alert) { a.URL = "https://x.example/?a=1&b=2" }, "[HIGH] t <https://x.example/?a=1&amp;b=2|View alert>"},
		{"unknown severity", func(a *Alert) { a.Severity = "" }, "[UNKNOWN] t <https://bulwark.example/alerts/42|View alert>"},
	}
	for _, tt := range tests {
		a := sampleAlert()
		a.Title = "t"
		tt.edit(&a)
		if got := slackPayload(a).Text; got != tt.text {
			t.Errorf("%s: text = %q, want %q", tt.name, got, tt.text)
		}
	}
	a := sampleAlert()
	a.Entities["process"] = strings.Repeat("é", 1000)
	a.Time = time.Time{}
	p := slackPayload(a)
	for _, f := range p.Attachments[0].Fields {
		if n := len([]rune(f.Value)); n > slackValueLimit {
			t.Errorf("field %s has %d runes, want at most %d", f.Title, n, slackValueLimit)
		}
	}
	if p.Attachments[0].Ts != 0 {
		t.Errorf("zero time gave ts %d, want it left out", p.Attachments[0].Ts)
	}
}

func TestSlackColors(t *testing.T) {
	seen := map[string]string{}
	for _, sev := range []string{"critical", "high", "medium", "low", "informational"} {
		c := slackColor(sev)
		if prev, ok := seen[c]; ok {
			t.Errorf("%s and %s share colour %s", sev, prev, c)
		}
		seen[c] = sev
	}
	if slackColor("INFO") != slackColor("informational") || slackColor("High") != slackColor("high") {
		t.Error("severity aliases and case are not folded")
	}
}
