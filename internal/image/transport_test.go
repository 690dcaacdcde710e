package image

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
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
