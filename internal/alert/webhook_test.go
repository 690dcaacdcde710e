package alert

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Secrets a receiver URL and headers carry; no log or error may show them.
const (
	secretPath   = "/services/T0SECRETPATH/B0/XSECRETPATH"
	secretQuery  = "token=QSECRETQUERY"
	secretHeader = "Bearer HSECRETHEADER"
)

var secrets = []string{"SECRETPATH", "SECRETQUERY", "SECRETHEADER"}

// received is one request a receiver got.
type received struct {
	path, query string
	header      http.Header
	body        []byte
	at          time.Time
}

// receiver is a real HTTP server on loopback that records every request and
// answers request n (from 1) as script says.
type receiver struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []received
	got  chan int // request numbers, as they arrive
}

type script func(n int, w http.ResponseWriter, r *http.Request)

func newReceiver(t *testing.T, answer script) *receiver {
	t.Helper()
	rc := &receiver{got: make(chan int, 1000)}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, received{r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body, time.Now()})
		n := len(rc.reqs)
		rc.mu.Unlock()
		rc.got <- n
		if answer != nil {
			answer(n, w, r)
		}
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

// url is the receiver's URL with the secret path and query.
func (rc *receiver) url() string { return rc.srv.URL + secretPath + "?" + secretQuery }

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.reqs...)
}

// waitRequests waits for n requests in all.
func (rc *receiver) waitRequests(t *testing.T, n int) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		if len(rc.requests()) >= n {
			return
		}
		select {
		case <-rc.got:
		case <-deadline:
			t.Fatalf("receiver got %d requests, want %d", len(rc.requests()), n)
		}
	}
}

// status answers with code and body.
func status(code int, body string, header ...string) script {
	return func(_ int, w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

func sampleAlert() Alert {
	return Alert{
		Type:        "K8S_PrivilegedContainer",
		Title:       "Privileged container started in payments",
		Severity:    "high",
		Tactics:     []string{"Privilege Escalation", "Execution"},
		Entities:    map[string]string{"cluster": "prod", "namespace": "payments", "workload": "deployment/api", "container": "api"},
		Evidence:    json.RawMessage(`[{"kind":"Event","verb":"create","objectRef":{"resource":"pods"}}]`),
		Remediation: "Remove securityContext.privileged from the pod spec.",
		Time:        time.Date(2026, 3, 4, 5, 6, 7, 890000000, time.UTC),
		Count:       3,
		Status:      "active",
		URL:         "https://bulwark.example/alerts/42",
	}
}

func TestWebhookPayload(t *testing.T) {
	rc := newReceiver(t, nil)
	w := NewWebhook(rc.url(), map[string]string{"Authorization": secretHeader, "X-Team": "sec"}, nil)
	a := sampleAlert()
	if err := w.Notify(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	r := rc.requests()[0]
	if r.path != secretPath || r.query != secretQuery {
		t.Errorf("posted to %s?%s, want %s?%s", r.path, r.query, secretPath, secretQuery)
	}
	for k, want := range map[string]string{"Content-Type": "application/json", "Authorization": secretHeader, "X-Team": "sec"} {
		if got := r.header.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.body)
	}
	want := map[string]string{
		"type":        `"K8S_PrivilegedContainer"`,
		"title":       `"Privileged container started in payments"`,
		"severity":    `"high"`,
		"tactics":     `["Privilege Escalation","Execution"]`,
		"entities":    `{"cluster":"prod","container":"api","namespace":"payments","workload":"deployment/api"}`,
		"evidence":    string(a.Evidence),
		"remediation": `"Remove securityContext.privileged from the pod spec."`,
		"time":        `"2026-03-04T05:06:07.89Z"`,
		"count":       `3`,
		"status":      `"active"`,
		"url":         `"https://bulwark.example/alerts/42"`,
		"fingerprint": `"` + Fingerprint(a) + `"`,
	}
	if len(got) != len(want) {
		t.Errorf("payload has keys %v, want the %d of the contract", keys(got), len(want))
	}
	for k, v := range want {
		if string(got[k]) != v {
			t.Errorf("payload %s = %s, want %s", k, got[k], v)
		}
	}
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestWebhookPayloadDefaults(t *testing.T) {
	tests := []struct {
		name  string
		a     Alert
		field string
		want  string
	}{
		{"count below one", Alert{Type: "T"}, "count", `1`},
		{"no status", Alert{Type: "T"}, "status", `"active"`},
		{"no tactics", Alert{Type: "T"}, "tactics", `[]`},
		{"no entities", Alert{Type: "T"}, "entities", `{}`},
		{"no evidence", Alert{Type: "T"}, "evidence", `null`},
		{"evidence not JSON", Alert{Type: "T", Evidence: json.RawMessage(`{"cut`)}, "evidence", `"{\"cut"`},
	}
	rc := newReceiver(t, nil)
	w := NewWebhook(rc.srv.URL, nil, nil)
	for i, tt := range tests {
		if err := w.Notify(context.Background(), tt.a); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var got map[string]json.RawMessage
		if err := json.Unmarshal(rc.requests()[i].body, &got); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if string(got[tt.field]) != tt.want {
			t.Errorf("%s: %s = %s, want %s", tt.name, tt.field, got[tt.field], tt.want)
		}
	}
}

// TestHTTPAnswers checks how each answer is classified: 2xx delivered, 429
// and 5xx retryable (with Retry-After when given), anything else final.
func TestHTTPAnswers(t *testing.T) {
	tests := []struct {
		answer     script
		ok, final  bool
		retryAfter time.Duration
		inError    string
	}{
		{answer: status(200, "ok"), ok: true},
		{answer: status(204, ""), ok: true},
		{answer: status(202, "queued"), ok: true},
		{answer: status(400, "invalid_payload"), final: true, inError: `status 400: "invalid_payload"`},
		{answer: status(403, "invalid_token"), final: true, inError: "status 403"},
		{answer: status(404, "no_service"), final: true, inError: "status 404"},
		{answer: status(410, "channel_is_archived"), final: true, inError: "status 410"},
		{answer: status(302, "", "Location", "/elsewhere"), final: true, inError: "status 302"},
		{answer: status(500, "boom"), inError: `status 500: "boom"`},
		{answer: status(502, ""), inError: "status 502"},
		{answer: status(503, "", "Retry-After", "7"), retryAfter: 7 * time.Second, inError: "status 503"},
		{answer: status(429, "rate_limited", "Retry-After", "30"), retryAfter: 30 * time.Second, inError: "status 429"},
		{answer: status(429, "rate_limited", "Retry-After", "later"), inError: "status 429"},
		{answer: status(400, strings.Repeat("x", 300)), final: true, inError: `"` + strings.Repeat("x", 200) + `"`},
	}
	for i, tt := range tests {
		rc := newReceiver(t, tt.answer)
		err := NewWebhook(rc.url(), nil, nil).Notify(context.Background(), sampleAlert())
		if tt.ok {
			if err != nil {
				t.Errorf("case %d: %v", i, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("case %d: no error", i)
			continue
		}
		var ra *retryAfterError
		hasRA := errors.As(err, &ra)
		if isPermanent(err) != tt.final || hasRA != (tt.retryAfter > 0) || hasRA && ra.after != tt.retryAfter {
			t.Errorf("case %d: %v: permanent %v, retry-after %v; want %v, %v", i, err, isPermanent(err), ra, tt.final, tt.retryAfter)
		}
		if !strings.Contains(err.Error(), tt.inError) || strings.Contains(err.Error(), strings.Repeat("x", 201)) {
			t.Errorf("case %d: error %q does not hold %q", i, err, tt.inError)
		}
		assertNoSecrets(t, err.Error())
	}
}

func TestWebhookUnusableURL(t *testing.T) {
	for _, u := range []string{"://x" + secretPath, "ftp://host" + secretPath, "https://" + secretPath, "http://[::1" + secretPath} {
		err := NewWebhook(u, nil, nil).Notify(context.Background(), sampleAlert())
		if err == nil || !isPermanent(err) {
			t.Errorf("NewWebhook(%q).Notify = %v, want a permanent error", u, err)
			continue
		}
		assertNoSecrets(t, err.Error())
	}
}

func TestWebhookNetworkError(t *testing.T) {
	rc := newReceiver(t, nil)
	u := rc.url()
	rc.srv.Close() // nothing listens any more
	w := NewWebhook(u, map[string]string{"Authorization": secretHeader}, nil)
	err := w.Notify(context.Background(), sampleAlert())
	if err == nil || isPermanent(err) {
		t.Fatalf("Notify to a closed port = %v, want a retryable error", err)
	}
	if !strings.Contains(err.Error(), rc.srv.Listener.Addr().String()) {
		t.Errorf("error %q does not name the host", err)
	}
	assertNoSecrets(t, err.Error(), w.Name())
}

func assertNoSecrets(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		for _, secret := range secrets {
			if strings.Contains(s, secret) {
				t.Errorf("%q leaks %s", s, secret)
			}
		}
	}
}

func BenchmarkWebhookPayload(b *testing.B) {
	a := sampleAlert()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(webhookPayload{Alert: normalized(a), Fingerprint: Fingerprint(a)}); err != nil {
			b.Fatal(err)
		}
	}
}
