package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bulwarksec/bulwark/internal/alert"
	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/store"
	"github.com/bulwarksec/bulwark/internal/testbed"
)

// fixture is a server on a real SQLite store, over real HTTP.
type fixture struct {
	t     *testing.T
	srv   *Server
	st    *store.Store
	http  *httptest.Server
	admin string
	logs  *bytes.Buffer
	dir   string
}

// baseOptions are a server's store (real SQLite), sealer and database
// directory in a temporary directory, which it returns too.
func baseOptions(t *testing.T) (Options, string) {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "bulwark.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sealer, err := LoadSealer("", filepath.Join(dir, "secret.key"), true)
	if err != nil {
		t.Fatal(err)
	}
	return Options{Store: st, Sealer: sealer, DBDir: filepath.Join(dir, "db")}, dir
}

func newFixture(t *testing.T, configure ...func(*Options)) *fixture {
	t.Helper()
	opts, dir := baseOptions(t)
	st := opts.Store
	logs := &bytes.Buffer{}
	var h http.Handler
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	opts.Logger, opts.BaseURL, opts.ListenAddr = slog.New(slog.NewTextHandler(logs, nil)), "http://bulwark.test", hs.Listener.Addr().String()
	for _, c := range configure {
		c(&opts)
	}
	srv := New(opts)
	h = srv.Handler()
	hs.Start()
	t.Cleanup(hs.Close)
	admin, err := srv.InitialToken(context.Background())
	if err != nil || admin == "" {
		t.Fatalf("initial token: %q %v", admin, err)
	}
	return &fixture{t: t, srv: srv, st: st, http: hs, admin: admin, logs: logs, dir: dir}
}

// do sends a request with token and returns the status and body.
func (f *fixture) do(token, method, path string, body string) (int, string) {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, f.http.URL+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (f *fixture) token(role string) string {
	f.t.Helper()
	return f.tokenFor(`{"name":"` + role + `-token","role":"` + role + `"}`)
}

// ingestToken makes an ingest token bound to registry id.
func (f *fixture) ingestToken(id int64) string {
	f.t.Helper()
	return f.tokenFor(fmt.Sprintf(`{"name":"ingest-%d","role":"ingest","registry":%d}`, id, id))
}

func (f *fixture) tokenFor(req string) string {
	f.t.Helper()
	var out struct{ Token string }
	f.create("/api/v1/tokens", req, &out)
	return out.Token
}

// registry connects a registry and returns its id.
func (f *fixture) registry(req string) int64 {
	f.t.Helper()
	var out struct{ ID int64 }
	f.create("/api/v1/registries", req, &out)
	return out.ID
}

// create POSTs req to path as the admin, wants 201, and decodes the
// answer into out.
func (f *fixture) create(path, req string, out any) {
	f.t.Helper()
	code, body := f.do(f.admin, "POST", path, req)
	if code != 201 {
		f.t.Fatalf("POST %s %s: %d %s", path, req, code, body)
	}
	json.Unmarshal([]byte(body), out)
}

// TestAuthorization: every endpoint but health needs a token; readers
// only read; ingest tokens only deliver notifications.
func TestAuthorization(t *testing.T) {
	f := newFixture(t)
	reader, ingest := f.token(RoleReader), f.ingestToken(f.registry(`{"url":"http://127.0.0.1:5099"}`))
	cases := []struct {
		token, method, path, body string
		want                      int
	}{
		{"", "GET", "/healthz", "", 200},
		{"", "GET", "/api/v1/images", "", 401},
		{"bwk_not-a-real-token", "GET", "/api/v1/images", "", 401},
		{"", "GET", "/metrics", "", 401},
		{"", "POST", "/api/v1/events/distribution", `{"events":[]}`, 401},
		{reader, "GET", "/api/v1/images", "", 200},
		{reader, "GET", "/api/v1/overview", "", 200},
		{reader, "GET", "/metrics", "", 200},
		{reader, "POST", "/api/v1/registries", `{"url":"http://127.0.0.1:5000"}`, 403},
		{reader, "POST", "/api/v1/tokens", `{"name":"x","role":"admin"}`, 403},
		{reader, "GET", "/api/v1/tokens", "", 403},
		{reader, "POST", "/api/v1/events/distribution", `{"events":[]}`, 403},
		{ingest, "GET", "/api/v1/images", "", 403},
		{ingest, "POST", "/api/v1/events/distribution", `{"events":[]}`, 200},
		{f.admin, "POST", "/api/v1/events/distribution", `{"events":[]}`, 200},
		{f.admin, "GET", "/api/v1/tokens", "", 200},
	}
	for _, c := range cases {
		if code, body := f.do(c.token, c.method, c.path, c.body); code != c.want {
			t.Errorf("%s %s with %q: %d %s, want %d", c.method, c.path, c.token, code, body, c.want)
		}
	}
	// The token query parameter is accepted only on notification endpoints.
	if code, _ := f.do("", "GET", "/api/v1/images?token="+f.admin, ""); code != 401 {
		t.Errorf("token in the query of an API call: %d, want 401", code)
	}
	if code, _ := f.do("", "POST", "/api/v1/events/distribution?token="+ingest, `{"events":[]}`); code != 200 {
		t.Errorf("ingest token in the query of the events endpoint: %d, want 200", code)
	}
}

// TestBadInput: bad payloads get a 4xx naming the problem.
func TestBadInput(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		method, path, body string
		want               int
		mention            string
	}{
		{"POST", "/api/v1/registries", `{"url":`, 400, "bad request body"},
		{"POST", "/api/v1/registries", `{"url":"http://127.0.0.1:5000","colour":"red"}`, 400, "colour"},
		{"POST", "/api/v1/registries", `{"url":"ftp://x"}`, 400, "http(s)://host"},
		{"POST", "/api/v1/registries", `{"url":"http://registry.example.com"}`, 400, "insecure"},
		{"POST", "/api/v1/registries", `{"url":"http://127.0.0.1:5000"} {}`, 400, "more than one"},
		{"GET", "/api/v1/images?health=green", "", 400, "health"},
		{"GET", "/api/v1/images?limit=100000", "", 400, "limit"},
		{"GET", "/api/v1/images/abc", "", 400, "bad id"},
		{"GET", "/api/v1/images/42", "", 404, "not found"},
		{"POST", "/api/v1/images/42/scan", "", 404, "image not found"},
		{"POST", "/api/v1/registries/42/sync", "", 404, "registry not found"},
		{"DELETE", "/api/v1/registries/42", "", 404, "registry not found"},
		{"DELETE", "/api/v1/exemptions/x", "", 400, "bad id"},
		{"GET", "/api/v1/alerts?status=open", "", 400, "status"},
		{"POST", "/api/v1/alerts", `{"type":"X","title":"t","severity":"severe"}`, 400, "severity"},
		{"POST", "/api/v1/alerts/1/explode", "", 404, "action"},
		{"POST", "/api/v1/exemptions", `{"rule":"image-vulnerabilities"}`, 400, "reason"},
		{"POST", "/api/v1/exemptions", `{"rule":"nope","reason":"r"}`, 400, "no recommendation"},
		{"POST", "/api/v1/finding-rules", `{}`, 400, "vulnId"},
		{"POST", "/api/v1/finding-rules", `{"maxSeverity":"huge"}`, 400, "severity"},
		{"POST", "/api/v1/tokens", `{"name":"x","role":"root"}`, 400, "role"},
		{"GET", "/api/v1/recommendations/nope", "", 404, "not found"},
		{"GET", "/api/v1/nothing-here", "", 404, "no such API endpoint"},
		{"POST", "/api/v1/events/distribution", `not json`, 400, "envelope"},
		{"POST", "/api/v1/events/harbor", `[1,2]`, 400, "Harbor"},
	}
	for _, c := range cases {
		code, body := f.do(f.admin, c.method, c.path, c.body)
		var e struct{ Error string }
		json.Unmarshal([]byte(body), &e)
		if code != c.want || !strings.Contains(e.Error, c.mention) {
			t.Errorf("%s %s %s: %d %s, want %d mentioning %q", c.method, c.path, c.body, code, body, c.want, c.mention)
		}
	}
	big := `{"events":[` + strings.Repeat(`{"id":"x"},`, 500000) + `{}]}`
	if code, _ := f.do(f.admin, "POST", "/api/v1/events/distribution", big); code != 413 {
		t.Errorf("oversized notification: %d, want 413", code)
	}
}

// TestRegistrySampleEvents posts the distribution registry's own
// notifications (recorded by the test bed from a real registry) and checks
// that they are stored before the answer, queue one scan, record the pull,
// and are idempotent.
func TestRegistrySampleEvents(t *testing.T) {
	sh := testbed.Shared(t)
	push, err := os.ReadFile(filepath.Join(sh, "testbed/registry/sample-push-event.json"))
	if err != nil {
		testbed.Unavailable(t, "registry sample events", "%v", err)
	}
	pull, _ := os.ReadFile(filepath.Join(sh, "testbed/registry/sample-pull-event.json"))
	f := newFixture(t)
	if code, body := f.do(f.admin, "POST", "/api/v1/events/distribution", string(push)); code != 422 || !strings.Contains(body, "not connected") {
		t.Fatalf("event for an unknown registry: %d %s, want 422", code, body)
	}
	ingest := f.ingestToken(f.registry(`{"name":"tb","url":"http://127.0.0.1:5099"}`))
	for i := 0; i < 2; i++ { // the registry may deliver twice
		code, body := f.do(ingest, "POST", "/api/v1/events/distribution", string(push))
		if code != 200 {
			t.Fatalf("push event: %d %s", code, body)
		}
	}
	ctx := context.Background()
	imgs, total, err := f.st.ListImages(ctx, store.ImageFilter{})
	if err != nil || total != 1 {
		t.Fatalf("images after the push event: %d, %v", total, err)
	}
	img := imgs[0]
	if img.Repository != "bulwark/crane" || img.Digest != "sha256:ce4fc3c7ba74b747c0e3f737c22f7a6d3f4dff0c7c857b0adefdb1db5e4c8df6" ||
		len(img.Tags) != 1 || img.Tags[0] != "bookworm" || img.PushedAt.IsZero() {
		t.Fatalf("image from the push event = %+v", img)
	}
	q, _ := f.st.QueueStats(ctx)
	if q.Pending != 2 { // the registry's sync on connect, and one scan for the push (the repeat is folded)
		t.Fatalf("queue after two deliveries of one push: %+v, want 2 pending", q)
	}
	if code, body := f.do(ingest, "POST", "/api/v1/events/distribution", string(pull)); code != 200 {
		t.Fatalf("pull event: %d %s", code, body)
	}
	imgs, total, _ = f.st.ListImages(ctx, store.ImageFilter{})
	pulled := 0
	for _, i := range imgs {
		if !i.PulledAt.IsZero() {
			pulled++
		}
	}
	if total != 2 || pulled != 1 {
		t.Fatalf("after the pull event: %d images, %d pulled", total, pulled)
	}
}

// TestHarborEvent takes a Harbor PUSH_ARTIFACT webhook.
func TestHarborEvent(t *testing.T) {
	f := newFixture(t)
	if code, body := f.do(f.admin, "POST", "/api/v1/registries", `{"name":"harbor","url":"https://harbor.example.com"}`); code != 201 {
		t.Fatalf("connect: %d %s", code, body)
	}
	ev := `{"type":"PUSH_ARTIFACT","occur_at":` + fmt.Sprint(time.Now().Unix()) + `,"operator":"admin","event_data":{"resources":[{"digest":"sha256:` + strings.Repeat("a", 64) + `","tag":"v1","resource_url":"harbor.example.com/library/nginx:v1"}],"repository":{"date_created":1732540000,"name":"nginx","namespace":"library","repo_full_name":"library/nginx","repo_type":"public"}}}`
	if code, body := f.do(f.admin, "POST", "/api/v1/events/harbor", ev); code != 200 {
		t.Fatalf("harbor event: %d %s", code, body)
	}
	imgs, total, _ := f.st.ListImages(context.Background(), store.ImageFilter{})
	if total != 1 || imgs[0].Repository != "library/nginx" || imgs[0].Digest != "sha256:"+strings.Repeat("a", 64) {
		t.Fatalf("image from Harbor = %+v", imgs)
	}
	if code, _ := f.do(f.admin, "POST", "/api/v1/events/harbor", `{"type":"QUOTA_EXCEED"}`); code != 204 {
		t.Errorf("other Harbor event: %d, want 204", code)
	}
}

// TestSecretsStayInside: a registry password is stored sealed, never
// returned by the API nor logged; API tokens are stored as hashes only.
func TestSecretsStayInside(t *testing.T) {
	f := newFixture(t)
	const password = "s3cr3t-registry-password"
	if code, body := f.do(f.admin, "POST", "/api/v1/registries", `{"name":"private","url":"https://registry.example.com","username":"ci","password":"`+password+`"}`); code != 201 || strings.Contains(body, password) {
		t.Fatalf("connect: %d %s", code, body)
	}
	_, list := f.do(f.admin, "GET", "/api/v1/registries", "")
	if strings.Contains(list, password) {
		t.Fatal("the API returned the password")
	}
	reg, err := f.st.RegistryByHost(context.Background(), "registry.example.com")
	if err != nil || bytes.Contains(reg.Secret, []byte(password)) || len(reg.Secret) == 0 {
		t.Fatalf("stored secret: %v (sealed %d bytes)", err, len(reg.Secret))
	}
	if got, err := f.srv.opts.Sealer.Open(reg.Secret); err != nil || got != password {
		t.Fatalf("sealed secret does not open: %v", err)
	}
	reader := f.token(RoleReader)
	f.st.Close()
	db, _ := os.ReadFile(filepath.Join(f.dir, "bulwark.db"))
	wal, _ := os.ReadFile(filepath.Join(f.dir, "bulwark.db-wal"))
	for _, secret := range []string{password, f.admin, reader} {
		if bytes.Contains(db, []byte(secret)) || bytes.Contains(wal, []byte(secret)) {
			t.Errorf("a secret is stored in clear: %.8s...", secret)
		}
		if strings.Contains(f.logs.String(), secret) {
			t.Errorf("a secret was logged: %.8s...", secret)
		}
	}
}

// TestOpenAPICoversRoutes: the served OpenAPI document lists every route
// the server registers.
func TestOpenAPICoversRoutes(t *testing.T) {
	f := newFixture(t)
	_, body := f.do(f.admin, "GET", "/api/v1/openapi.json", "")
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil || doc.OpenAPI == "" {
		t.Fatalf("openapi.json: %v", err)
	}
	src, err := os.ReadFile("server.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := regexp.MustCompile(`HandleFunc\("(GET|POST|DELETE|PUT|PATCH) (/[^"]*)"`).FindAllStringSubmatch(string(src), -1)
	if len(routes) < 20 {
		t.Fatalf("found only %d routes in server.go", len(routes))
	}
	for _, r := range routes {
		ops, ok := doc.Paths[r[2]]
		if !ok {
			t.Errorf("OpenAPI has no path %s", r[2])
			continue
		}
		if _, ok := ops[strings.ToLower(r[1])]; !ok {
			t.Errorf("OpenAPI has no %s %s", r[1], r[2])
		}
	}
}

// TestAlertsNotifyAndFold: an alert reported through the API reaches a
// webhook (a real HTTP receiver), repeats fold into one alert with a
// count, and dismissing it takes it out of the active list.
func TestAlertsNotifyAndFold(t *testing.T) {
	got := make(chan map[string]any, 10)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		got <- m
	}))
	defer recv.Close()
	f := newFixture(t)
	d := alert.NewDispatcher([]alert.Notifier{alert.NewWebhook(recv.URL+"/hook?secret=x", nil, recv.Client())}, alert.Options{})
	defer d.Close(context.Background())
	f.srv.opts.Notifier = d
	body := `{"type":"K8S_PrivilegedContainer","title":"Privileged container","severity":"high","tactics":["PrivilegeEscalation"],"entities":{"namespace":"shop","workload":"api"},"evidence":{"verb":"create"}}`
	code, resp := f.do(f.admin, "POST", "/api/v1/alerts", body)
	if code != 201 {
		t.Fatalf("first alert: %d %s", code, resp)
	}
	select {
	case m := <-got:
		if m["type"] != "K8S_PrivilegedContainer" || m["severity"] != "high" || m["fingerprint"] == "" {
			t.Fatalf("webhook payload = %v", m)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the webhook received nothing")
	}
	if code, resp := f.do(f.admin, "POST", "/api/v1/alerts", body); code != 200 || !strings.Contains(resp, `"count":2`) {
		t.Fatalf("repeat: %d %s, want the same alert with count 2", code, resp)
	}
	var list struct {
		Items []struct {
			ID    int64
			Count int
		}
		Total int
	}
	_, resp = f.do(f.admin, "GET", "/api/v1/alerts?status=active", "")
	json.Unmarshal([]byte(resp), &list)
	if list.Total != 1 || list.Items[0].Count != 2 {
		t.Fatalf("active alerts = %s", resp)
	}
	if code, _ := f.do(f.admin, "POST", fmt.Sprintf("/api/v1/alerts/%d/dismiss", list.Items[0].ID), ""); code != 200 {
		t.Fatalf("dismiss: %d", code)
	}
	_, resp = f.do(f.admin, "GET", "/api/v1/alerts?status=active", "")
	if !strings.Contains(resp, `"total":0`) {
		t.Fatalf("after dismiss: %s", resp)
	}
}

// TestRecommendationExemptions: an unhealthy image is listed to fix until
// an exemption (with reason and expiry) covers it; an expired exemption
// does not.
func TestRecommendationExemptions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	reg := &store.Registry{Name: "r", URL: "http://127.0.0.1:1", Host: "127.0.0.1:1"}
	if err := f.st.CreateRegistry(ctx, reg); err != nil {
		t.Fatal(err)
	}
	for i, healthy := range []bool{false, true} {
		id, _, err := f.st.UpsertImage(ctx, reg.ID, "app", fmt.Sprintf("sha256:%064d", i), "v1", time.Now(), true)
		if err != nil {
			t.Fatal(err)
		}
		r := store.ScanResult{ImageID: id, ScannedAt: time.Now(), Healthy: healthy, Packages: 3}
		if !healthy {
			r.Counts.High, r.Fixable = 1, 1
			r.Findings = []finding.Finding{{RuleID: "CVE-2024-0001", Kind: finding.KindVulnerability, Status: finding.StatusFail,
				Severity: finding.SeverityHigh, Vulnerability: &finding.Vulnerability{Package: finding.Package{Name: "openssl", Version: "1.0"},
					Installed: "1.0", Fixed: "1.1", Fix: "fixed"}}}
		}
		if err := f.st.SaveScan(ctx, r, 0); err != nil {
			t.Fatal(err)
		}
	}
	type rec struct {
		Recommendation struct{ Unhealthy, Healthy, Exempt int } `json:"recommendation"`
		Resources      []struct {
			AssetID  string `json:"assetId"`
			Exempt   bool   `json:"exempt"`
			Findings []struct{ ID, Fixed string }
		} `json:"resources"`
	}
	get := func() rec {
		var r rec
		_, body := f.do(f.admin, "GET", "/api/v1/recommendations/image-vulnerabilities", "")
		json.Unmarshal([]byte(body), &r)
		return r
	}
	r := get()
	if r.Recommendation.Unhealthy != 1 || r.Recommendation.Healthy != 1 || len(r.Resources) != 1 || r.Resources[0].Findings[0].Fixed != "1.1" {
		t.Fatalf("before exemption: %+v", r)
	}
	asset := r.Resources[0].AssetID
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	if code, _ := f.do(f.admin, "POST", "/api/v1/exemptions", `{"resource":"`+asset+`","reason":"r","expires":"`+past+`"}`); code != 400 {
		t.Errorf("exemption already expired: %d, want 400", code)
	}
	future := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	if code, body := f.do(f.admin, "POST", "/api/v1/exemptions", `{"rule":"image-vulnerabilities","resource":"`+asset+`","reason":"accepted until the rebuild","expires":"`+future+`"}`); code != 201 {
		t.Fatalf("exemption: %d %s", code, body)
	}
	r = get()
	if r.Recommendation.Unhealthy != 0 || r.Recommendation.Exempt != 1 || !r.Resources[0].Exempt {
		t.Fatalf("after exemption: %+v", r)
	}
}

// TestRescanPolicy: images pushed within 90 days (or pulled within 30)
// and last evaluated over a day ago are re-evaluated; others are not.
func TestRescanPolicy(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	reg := &store.Registry{Name: "r", URL: "http://127.0.0.1:1", Host: "127.0.0.1:1"}
	f.st.CreateRegistry(ctx, reg)
	now := time.Now()
	cases := []struct {
		pushed, scanned time.Time
		due             bool
	}{
		{now.AddDate(0, 0, -10), now.Add(-36 * time.Hour), true},   // recent push, stale result
		{now.AddDate(0, 0, -10), now.Add(-2 * time.Hour), false},   // evaluated today
		{now.AddDate(0, 0, -200), now.Add(-36 * time.Hour), false}, // old push, never pulled
	}
	ids := map[int64]bool{}
	for i, c := range cases {
		id, _, _ := f.st.UpsertImage(ctx, reg.ID, "app", fmt.Sprintf("sha256:%064d", i), "", c.pushed, true)
		f.st.SaveScan(ctx, store.ScanResult{ImageID: id, ScannedAt: c.scanned, Healthy: true}, 0)
		ids[id] = c.due
	}
	if err := f.srv.enqueueRescans(ctx, now); err != nil {
		t.Fatal(err)
	}
	for {
		j, err := f.st.Claim(ctx, "test", time.Minute)
		if err != nil || j == nil {
			break
		}
		if j.Kind == jobRematch {
			if !ids[j.ImageID] {
				t.Errorf("image %d re-evaluated, not due", j.ImageID)
			}
			delete(ids, j.ImageID)
		}
		f.st.Complete(ctx, j.ID)
	}
	for id, due := range ids {
		if due {
			t.Errorf("image %d due but not re-evaluated", id)
		}
	}
}
