package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/store"
)

// event is one distribution notification envelope with one manifest push.
func event(id, host, repo, digest, tag string, at time.Time) string {
	return fmt.Sprintf(`{"events":[{"id":%q,"timestamp":%q,"action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":%q,"repository":%q,"url":"http://%s/v2/%s/manifests/%s","tag":%q},"request":{"host":%q}}]}`,
		id, at.Format(time.RFC3339Nano), digest, repo, host, repo, digest, tag, host)
}

var digestA = "sha256:" + strings.Repeat("a", 64)

// TestIngestTokenReach: an ingest token delivers its own registry's
// notifications and nothing else; tokens in URLs are ingest tokens only;
// expired tokens stop working.
func TestIngestTokenReach(t *testing.T) {
	f := newFixture(t)
	a := f.registry(`{"name":"a","url":"http://127.0.0.1:5001"}`)
	b := f.registry(`{"name":"b","url":"http://127.0.0.1:5002"}`)
	ingestA := f.ingestToken(a)
	reader := f.token(RoleReader)
	ctx := context.Background()
	expired, err := CreateToken(ctx, f.st, &store.Token{Name: "old", Role: RoleReader, ExpiresAt: time.Now().Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	unbound, err := CreateToken(ctx, f.st, &store.Token{Name: "legacy-ingest", Role: RoleIngest})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	cases := []struct {
		name, token, path, body string
		want                    int
	}{
		{"own registry by host", ingestA, "/api/v1/events/distribution", event("e1", "127.0.0.1:5001", "app", digestA, "v1", now), 200},
		{"no host: the token's registry", ingestA, "/api/v1/events/distribution", event("e2", "", "app", digestA, "v2", now), 200},
		{"another registry by host", ingestA, "/api/v1/events/distribution", event("e3", "127.0.0.1:5002", "app", digestA, "v1", now), 403},
		{"another registry by ?registry=", ingestA, fmt.Sprintf("/api/v1/events/distribution?registry=%d", b), event("e4", "", "app", digestA, "v1", now), 403},
		{"a token bound to no registry", unbound, "/api/v1/events/distribution", event("e5", "", "app", digestA, "v1", now), 403},
		{"expired token", expired, "/api/v1/images", "", 401},
	}
	for _, c := range cases {
		method := "POST"
		if c.body == "" {
			method = "GET"
		}
		if code, body := f.do(c.token, method, c.path, c.body); code != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, code, body, c.want)
		}
	}
	imgs, _, _ := f.st.ListImages(ctx, store.ImageFilter{IncludeDeleted: true})
	for _, im := range imgs {
		if im.RegistryID != a {
			t.Errorf("image %s@%s stored under registry %d; the ingest token's is %d", im.Repository, im.Digest, im.RegistryID, a)
		}
	}
	// Tokens travel in a URL only when they are ingest tokens.
	for _, tok := range []string{f.admin, reader} {
		if code, _ := f.do("", "POST", "/api/v1/events/distribution?token="+tok, `{"events":[]}`); code != 401 {
			t.Errorf("a %s token in the query string: %d, want 401", map[bool]string{true: "admin", false: "reader"}[tok == f.admin], code)
		}
	}
	if code, _ := f.do("", "POST", "/api/v1/events/distribution?token="+ingestA, `{"events":[]}`); code != 200 {
		t.Errorf("the ingest token in the query string: %d, want 200", code)
	}
}

// TestTokenRequests: names are bounded and printable, ingest tokens need
// an existing registry, and the last admin token stays.
func TestTokenRequests(t *testing.T) {
	f := newFixture(t)
	reg := f.registry(`{"url":"http://127.0.0.1:5001"}`)
	cases := []struct {
		body    string
		want    int
		mention string
	}{
		{`{"name":"","role":"reader"}`, 400, "name"},
		{`{"name":"` + strings.Repeat("x", 101) + `","role":"reader"}`, 400, "name"},
		{`{"name":"bell\u0007","role":"reader"}`, 400, "printable"},
		{`{"name":" padded","role":"reader"}`, 400, "name"},
		{`{"name":"i","role":"ingest"}`, 400, "registry"},
		{`{"name":"i","role":"ingest","registry":999}`, 404, "registry 999"},
		{`{"name":"r","role":"reader","registry":1}`, 400, "only ingest"},
		{`{"name":"r","role":"reader","expiresAt":"2001-01-01T00:00:00Z"}`, 400, "past"},
		{fmt.Sprintf(`{"name":"i","role":"ingest","registry":%d,"expiresAt":%q}`, reg, time.Now().Add(time.Hour).Format(time.RFC3339)), 201, ""},
	}
	for _, c := range cases {
		code, body := f.do(f.admin, "POST", "/api/v1/tokens", c.body)
		if code != c.want || !strings.Contains(body, c.mention) {
			t.Errorf("POST /api/v1/tokens %s: %d %s, want %d mentioning %q", c.body, code, body, c.want, c.mention)
		}
	}
	var list struct{ Items []tokenJSON }
	_, body := f.do(f.admin, "GET", "/api/v1/tokens", "")
	json.Unmarshal([]byte(body), &list)
	var adminID int64
	for _, tk := range list.Items {
		if tk.Role == RoleAdmin {
			adminID = tk.ID
		}
		if tk.Role == RoleIngest && (tk.RegistryID != reg || tk.ExpiresAt == nil) {
			t.Errorf("listed ingest token %+v: want registry %d and its expiry", tk, reg)
		}
	}
	// Lock-out: the last admin cannot delete itself.
	if code, body := f.do(f.admin, "DELETE", fmt.Sprintf("/api/v1/tokens/%d", adminID), ""); code != 409 || !strings.Contains(body, "last admin") {
		t.Errorf("deleting the last admin token: %d %s, want 409", code, body)
	}
	second := f.token(RoleAdmin)
	if code, body := f.do(second, "DELETE", fmt.Sprintf("/api/v1/tokens/%d", adminID), ""); code != 204 {
		t.Errorf("deleting an admin token while another exists: %d %s, want 204", code, body)
	}
}

// TestEventValidation: what a notification says is checked against the
// distribution grammar before anything is stored; the answer names the
// field.
func TestEventValidation(t *testing.T) {
	f := newFixture(t)
	ingest := f.ingestToken(f.registry(`{"url":"http://127.0.0.1:5001"}`))
	now := time.Now()
	cases := []struct {
		name, body, mention string
	}{
		{"upper-case repository", event("e", "", "App/Web", digestA, "", now), "events[0].repository"},
		{"traversal in repository", event("e", "", "../etc", digestA, "", now), "events[0].repository"},
		{"short digest", event("e", "", "app", "sha256:abc", "", now), "events[0].digest"},
		{"unknown algorithm", event("e", "", "app", "md5:"+strings.Repeat("a", 32), "", now), "events[0].digest"},
		{"bad tag", event("e", "", "app", digestA, "-latest", now), "events[0].tag"},
		{"long tag", event("e", "", "app", digestA, strings.Repeat("t", 129), now), "events[0].tag"},
		{"ancient", event("e", "", "app", digestA, "", now.AddDate(-2, 0, 0)), "events[0].timestamp"},
		{"future", event("e", "", "app", digestA, "", now.Add(2*time.Hour)), "events[0].timestamp"},
		{"long id", event(strings.Repeat("i", 200), "", "app", digestA, "", now), "events[0].id"},
	}
	for _, c := range cases {
		code, body := f.do(ingest, "POST", "/api/v1/events/distribution", c.body)
		if code != 400 || !strings.Contains(body, c.mention) {
			t.Errorf("%s: %d %s, want 400 naming %s", c.name, code, body, c.mention)
		}
	}
	if _, n, _ := f.st.ListImages(context.Background(), store.ImageFilter{IncludeDeleted: true}); n != 0 {
		t.Errorf("%d images stored from refused notifications", n)
	}
}

// TestEventFloods: events per request, scans waiting per registry and
// requests per token are bounded; a refused batch is not acknowledged
// (the registry retries) and leaves nothing behind.
func TestEventFloods(t *testing.T) {
	f := newFixture(t, func(o *Options) {
		o.Limits = Limits{EventsPerRequest: 10, QueuedScans: 3, TokenRate: 0.5, TokenBurst: 2}
	})
	ingest := f.ingestToken(f.registry(`{"url":"http://127.0.0.1:5001"}`))
	batch := func(n int, prefix string) string {
		var evs []string
		for i := 0; i < n; i++ {
			e := event(fmt.Sprintf("%s-%d", prefix, i), "", fmt.Sprintf("flood/app%d", i), digestA, "", time.Now())
			evs = append(evs, strings.TrimSuffix(strings.TrimPrefix(e, `{"events":[`), `]}`))
		}
		return `{"events":[` + strings.Join(evs, ",") + `]}`
	}
	if code, body := f.do(ingest, "POST", "/api/v1/events/distribution", batch(11, "big")); code != 413 || !strings.Contains(body, "at most 10") {
		t.Errorf("11 events in one request: %d %s, want 413", code, body)
	}
	req, _ := http.NewRequest("POST", f.http.URL+"/api/v1/events/distribution", strings.NewReader(batch(4, "many")))
	req.Header.Set("Authorization", "Bearer "+ingest)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("4 scans for a registry allowed 3 waiting: %d, Retry-After %q; want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if _, n, _ := f.st.ListImages(context.Background(), store.ImageFilter{}); n != 0 {
		t.Errorf("%d images stored from a refused batch", n)
	}
	// The token's bucket (burst 2) is empty now: the next request waits.
	req, _ = http.NewRequest("POST", f.http.URL+"/api/v1/events/distribution", strings.NewReader(`{"events":[]}`))
	req.Header.Set("Authorization", "Bearer "+ingest)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("request past the token's rate: %d, Retry-After %q; want 429 with Retry-After 2", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Other tokens have buckets of their own.
	other, err := CreateToken(context.Background(), f.st, &store.Token{Name: "other", Role: RoleReader})
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := f.do(other, "GET", "/api/v1/images", ""); code != 200 {
		t.Errorf("another token while the ingest token is throttled: %d, want 200", code)
	}
}
