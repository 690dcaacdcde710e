package server

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/bulwarksec/bulwark/internal/image"
	"github.com/bulwarksec/bulwark/internal/store"
)

// memRegistry is go-containerregistry's registry, on loopback, in front
// of which wrap may put a handler of its own.
func memRegistry(t *testing.T, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	var h http.Handler = registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	if wrap != nil {
		h = wrap(h)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	return strings.TrimPrefix(hs.URL, "http://")
}

// pushRandom pushes a small random image to host/repo:tag and returns its
// digest.
func pushRandom(t *testing.T, ref string, opts ...remote.Option) string {
	t.Helper()
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img, opts...); err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	return d.String()
}

// runJobs runs queued jobs of the given kind until none is runnable.
func (f *fixture) runJobs(kind string) {
	f.t.Helper()
	ctx := context.Background()
	for i := 0; i < 50; i++ {
		job, err := f.st.Claim(ctx, "test", time.Minute)
		if err != nil {
			f.t.Fatal(err)
		}
		if job == nil {
			return
		}
		if job.Kind != kind {
			f.st.Release(ctx, job.ID, time.Now().Add(time.Hour))
			continue
		}
		f.srv.run(ctx, "test", job)
	}
}

// TestDeleteNeedsTheRegistry: a delete notification hides an image only
// once the registry confirms the manifest is gone.
func TestDeleteNeedsTheRegistry(t *testing.T) {
	f := newFixture(t)
	host := memRegistry(t, nil)
	digest := pushRandom(t, host+"/app:1")
	reg := f.registry(`{"url":"http://` + host + `"}`)
	ingest := f.ingestToken(reg)
	f.runJobs(jobSync)
	ctx := context.Background()
	if _, n, _ := f.st.ListImages(ctx, store.ImageFilter{}); n != 1 {
		t.Fatalf("%d images after the sync, want 1", n)
	}
	del := func(id string) {
		body := fmt.Sprintf(`{"events":[{"id":%q,"timestamp":%q,"action":"delete","target":{"digest":%q,"repository":"app"},"request":{"host":%q}}]}`,
			id, time.Now().Format(time.RFC3339), digest, host)
		if code, b := f.do(ingest, "POST", "/api/v1/events/distribution", body); code != 200 {
			t.Fatalf("delete event: %d %s", code, b)
		}
		f.runJobs(store.JobConfirmDelete)
	}
	del("forged")
	if _, n, _ := f.st.ListImages(ctx, store.ImageFilter{}); n != 1 {
		t.Fatalf("a delete notification the registry denies hid the image (%d images left)", n)
	}
	r, _ := name.ParseReference(host+"/app@"+digest, name.Insecure)
	if err := remote.Delete(r); err != nil {
		t.Fatal(err)
	}
	del("real")
	if _, n, _ := f.st.ListImages(ctx, store.ImageFilter{}); n != 0 {
		t.Fatalf("a delete the registry confirms left %d images", n)
	}
}

// TestRegistryAddresses: registry URLs that point at link-local,
// metadata, private or Bulwark's own addresses are refused.
func TestRegistryAddresses(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.RegistryAllow = []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16")} })
	own := f.http.Listener.Addr().String()
	cases := []struct {
		url     string
		want    int
		mention string
	}{
		{"http://169.254.169.254", 400, "link-local"},
		{"https://[fe80::1]:5000", 400, "link-local"},
		{"https://[fd00:ec2::254]", 400, "metadata"},
		{"https://metadata.google.internal", 400, "metadata"},
		{"https://10.1.2.3:5000", 400, "private"},
		{"https://192.168.1.1", 400, "private"},
		{"http://0.0.0.0:5000", 400, "not a registry address"},
		{"http://" + own, 400, "itself"},
		{"https://10.20.3.4:5000", 201, ""},
		{"http://127.0.0.1:5099", 201, ""},
	}
	for _, c := range cases {
		code, body := f.do(f.admin, "POST", "/api/v1/registries", `{"url":"`+c.url+`","insecure":true}`)
		if code != c.want || !strings.Contains(body, c.mention) {
			t.Errorf("connect %s: %d %s, want %d mentioning %q", c.url, code, body, c.want, c.mention)
		}
	}
}

// TestEgressPolicy: the policy as each connection meets it (after name
// resolution), for servers on loopback and beyond it.
func TestEgressPolicy(t *testing.T) {
	ap := netip.MustParseAddrPort
	onLoopback := newEgressPolicy("127.0.0.1:8080", nil)
	public := newEgressPolicy("10.0.0.5:8443", []netip.Prefix{netip.MustParsePrefix("10.9.0.0/16"), netip.MustParsePrefix("169.254.0.0/16")})
	everywhere := newEgressPolicy("0.0.0.0:8443", []netip.Prefix{netip.MustParsePrefix("10.9.0.0/16")})
	everywhere.local = append(everywhere.local, netip.MustParseAddr("10.9.0.7"))
	cases := []struct {
		p    egressPolicy
		addr string
		ok   bool
	}{
		{onLoopback, "127.0.0.1:5000", true},
		{onLoopback, "[::1]:5000", true},
		{onLoopback, "127.0.0.1:8080", false}, // itself
		{onLoopback, "[::1]:8080", false},
		{onLoopback, "169.254.169.254:80", false},
		{onLoopback, "[::ffff:169.254.169.254]:80", false},
		{onLoopback, "10.0.0.1:443", false},
		{onLoopback, "100.64.1.1:443", false},
		{onLoopback, "100.100.100.200:80", false},
		{onLoopback, "93.184.216.34:443", true},
		{public, "127.0.0.1:5000", false}, // loopback only while listening there
		{public, "10.9.1.1:443", true},
		{public, "10.0.0.5:8443", false},
		{public, "169.254.169.254:80", false}, // never, whatever is allowed
		{everywhere, "10.9.0.7:8443", false},  // one of its own addresses
		{everywhere, "10.9.0.8:8443", true},   // another host, same port
		{everywhere, "127.0.0.1:8443", false}, // itself through loopback
	}
	for _, c := range cases {
		err := c.p.check(ap(c.addr))
		if (err == nil) != c.ok {
			t.Errorf("check(%s) with self %s = %v, want allowed %v", c.addr, c.p.self, err, c.ok)
		}
	}
	// The dialer refuses before connecting: a listener on loopback sees
	// no connection from a server that does not listen on loopback.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	if _, err := public.dialContext(context.Background(), "tcp", ln.Addr().String()); err == nil || !strings.Contains(err.Error(), "refused by the registry address policy") {
		t.Errorf("dial to loopback from a public server: %v, want the policy's refusal", err)
	}
	if _, err := public.dialContext(context.Background(), "tcp", "localhost:"+fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)); err == nil {
		t.Error("dial to localhost by name from a public server succeeded")
	}
	time.Sleep(50 * time.Millisecond)
	if n := accepted.Load(); n != 0 {
		t.Errorf("the listener saw %d connections", n)
	}
}

// TestHostileRegistry: a registry that redirects elsewhere is not
// followed; what it answers is not stored for readers to see; one that
// never answers does not hold a worker for long; a huge catalog is
// bounded.
func TestHostileRegistry(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		w.Write([]byte(`{"repositories":["stolen"]}`))
	}))
	defer other.Close()
	// 127.0.0.2 is loopback too, but another host than the registry's.
	otherURL := strings.Replace(other.URL, "127.0.0.1", "127.0.0.2", 1)
	secret := "INTERNAL-ADMIN-PAGE " + strings.Repeat("x", 60000)
	hang := make(chan struct{})
	defer close(hang)
	var mode atomic.Int32
	host := memRegistry(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch mode.Load() {
			case 1:
				http.Redirect(w, r, otherURL+r.URL.Path, http.StatusFound)
			case 2:
				w.WriteHeader(http.StatusInternalServerError)
				w.Write([]byte(secret))
			case 3:
				select {
				case <-hang:
				case <-r.Context().Done():
				}
			default:
				h.ServeHTTP(w, r)
			}
		})
	})
	f := newFixture(t, func(o *Options) {
		o.Limits.RegistryWait = time.Second
		o.CatalogLimits = image.CatalogLimits{Repositories: 3}
	})
	reg := f.registry(`{"url":"http://` + host + `"}`)
	ctx := context.Background()
	syncErr := func() string {
		r, err := f.st.Registry(ctx, reg)
		if err != nil {
			t.Fatal(err)
		}
		return r.SyncError
	}

	mode.Store(1)
	if err := f.srv.syncRegistry(ctx, reg); err == nil || !strings.Contains(syncErr(), "redirected to another host") {
		t.Errorf("redirect to another host: %v, syncError %q", err, syncErr())
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the other host was asked %d times", n)
	}

	mode.Store(2)
	if err := f.srv.syncRegistry(ctx, reg); err == nil {
		t.Error("a failing registry synced")
	}
	if e := syncErr(); strings.Contains(e, "INTERNAL-ADMIN-PAGE") || len(e) > maxSyncError+3 || !strings.Contains(e, "500") {
		t.Errorf("syncError keeps the response body or is unbounded (%d bytes): %.200q", len(e), e)
	}
	_, list := f.do(f.admin, "GET", "/api/v1/registries", "")
	if strings.Contains(list, "INTERNAL-ADMIN-PAGE") {
		t.Error("GET /api/v1/registries shows the registry's response body")
	}

	mode.Store(3)
	start := time.Now()
	if err := f.srv.syncRegistry(ctx, reg); err == nil {
		t.Error("a registry that never answers synced")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("a registry that never answers held the sync for %v", d)
	}

	mode.Store(0)
	for i := 0; i < 5; i++ {
		pushRandom(t, fmt.Sprintf("%s/repo%d:1", host, i))
	}
	if err := f.srv.syncRegistry(ctx, reg); err == nil || !strings.Contains(syncErr(), "more than the limit of 3 repositories") {
		t.Errorf("a catalog over the limit: %v, syncError %q", err, syncErr())
	}
}

// TestNoAmbientCredentials: the server uses only the credentials it was
// given, never the Docker config of the account it runs as; the CLI does
// use that config.
func TestNoAmbientCredentials(t *testing.T) {
	const user, pass = "ci", "hunter2"
	host := memRegistry(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u, p, ok := r.BasicAuth(); !ok || u != user || p != pass {
				w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	auth := remote.WithAuth(&authn.Basic{Username: user, Password: pass})
	pushRandom(t, host+"/private/app:1", auth)
	home := t.TempDir()
	cfg := fmt.Sprintf(`{"auths":{%q:{"username":%q,"password":%q}}}`, host, user, pass)
	if err := os.MkdirAll(filepath.Join(home, ".docker"), 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(home, ".docker", "config.json"), []byte(cfg), 0o600)
	t.Setenv("HOME", home)
	t.Setenv("DOCKER_CONFIG", filepath.Join(home, ".docker"))

	f := newFixture(t)
	reg := f.registry(`{"url":"http://` + host + `"}`)
	ctx := context.Background()
	if err := f.srv.syncRegistry(ctx, reg); err == nil {
		t.Fatal("the server synced a private registry with the Docker credentials of its account")
	}
	withCreds := f.registry(`{"name":"with-creds","url":"http://localhost:` + strings.Split(host, ":")[1] + `","username":"ci","password":"hunter2"}`)
	if err := f.srv.syncRegistry(ctx, withCreds); err != nil {
		t.Fatalf("sync with the credentials given to the server: %v", err)
	}
	// The CLI keeps ~/.docker/config.json.
	if _, err := image.ListRegistry(ctx, host, image.Options{DockerConfig: true}, image.CatalogLimits{}); err != nil {
		t.Errorf("the CLI's listing with the Docker config: %v", err)
	}
}

// TestRegistrySlots: one registry may hold all of a replica's workers but
// one; others are not held up by it.
func TestRegistrySlots(t *testing.T) {
	s := newRegistrySlots(3)
	r1, ok1 := s.take(1)
	_, ok2 := s.take(1)
	_, ok3 := s.take(1)
	_, other := s.take(2)
	if !ok1 || !ok2 || ok3 || !other {
		t.Fatalf("takes for registry 1: %v %v %v, registry 2: %v; want true true false, true", ok1, ok2, ok3, other)
	}
	r1()
	if _, ok := s.take(1); !ok {
		t.Error("a released slot was not given back")
	}
	if _, ok := newRegistrySlots(1).take(5); !ok {
		t.Error("a one-worker replica cannot run any registry job")
	}
}
