package image

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestRedirectsStayOnTheHost: registry traffic follows a redirect on the
// registry's own host and refuses one to any other host.
func TestRedirectsStayOnTheHost(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	otherURL := strings.Replace(other.URL, "127.0.0.1", "127.0.0.2", 1) // another host, still loopback
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/same":
			http.Redirect(w, r, "/v2/", http.StatusFound)
		case "/away":
			http.Redirect(w, r, otherURL+"/latest/meta-data/", http.StatusFound)
		default:
			w.WriteHeader(http.StatusOK)
		}
	}))
	defer reg.Close()
	client := &http.Client{Transport: NewTransport(nil, 0)}
	resp, err := client.Get(reg.URL + "/same")
	if err != nil {
		t.Fatalf("redirect on the same host: %v", err)
	}
	resp.Body.Close()
	if _, err := client.Get(reg.URL + "/away"); err == nil || !strings.Contains(err.Error(), "redirected to another host") {
		t.Errorf("redirect to another host: %v, want it refused", err)
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the other host was asked %d times", n)
	}
}

// TestStalledBodyFails: a registry that starts an answer and then sends
// nothing fails the read after the wait, not after the scan's timeout.
func TestStalledBodyFails(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.Write([]byte("some"))
		w.(http.Flusher).Flush()
		<-release
	}))
	defer srv.Close()
	defer close(release) // before Close, which waits for the handler
	client := &http.Client{Transport: NewTransport(nil, 300*time.Millisecond)}
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	start := time.Now()
	_, err = io.ReadAll(resp.Body)
	if err == nil || !strings.Contains(err.Error(), "sent nothing") {
		t.Errorf("reading a stalled body: %v, want the stall named", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("a stalled body held the read for %v", d)
	}
}
