package kube

import (
	"net/http"
	"strings"
)

// healthTransport reports, for each list or watch request of an
// inventoried resource, whether it reached the API server. The watch error
// handler alone misses a lost connection: client-go's reflector retries
// "connection refused" inside its watch loops without calling it, and it
// says nothing when a resource recovers. A transport error is the first
// news, a 2xx answer to the next list or watch the second. Refusals
// (403, 404) come back as answers and reach the watch error handler.
type healthTransport struct {
	next http.RoundTripper
	ok   func(resource string)
	fail func(resource string, err error)
}

func (t healthTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if req.Method != http.MethodGet {
		return resp, err
	}
	r, found := resourceOfPath(req.URL.Path)
	switch {
	case !found:
	case err != nil:
		t.fail(r, err)
	case resp.StatusCode < 300:
		t.ok(r)
	}
	return resp, err
}

// resourceOfPath finds the inventoried resource a collection path reads:
// /api/v1/pods, /apis/apps/v1/namespaces/x/deployments.
func resourceOfPath(path string) (string, bool) {
	last := path[strings.LastIndexByte(path, '/')+1:]
	r, ok := resourceByName(last)
	if !ok || !strings.Contains(path, "/"+r.Version+"/") {
		return "", false
	}
	if r.Group != "" && !strings.Contains(path, "/apis/"+r.Group+"/") {
		return "", false
	}
	return r.Name, true
}
